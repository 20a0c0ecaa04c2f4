import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { codeMessage, errorMessage, oneLanguage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { LanguageSwitch } from '../../components/Layout.js';
import { Link } from '../../lib/router.js';
import { evaluationFormQuery, submitEvaluationMutation } from './api.js';
import './onestop-stats.css';

const LEVELS = [5, 4, 3, 2, 1] as const;

/** Five levels as large radio buttons (thumb-friendly on a phone). */
function Scale({ name, legend, value, onChange }: { name: string; legend: string; value: number | undefined; onChange: (v: number) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="os-scale">
      <legend>{legend}</legend>
      <div className="os-scale-options">
        {LEVELS.map((l) => (
          <label key={l} className={value === l ? 'os-scale-on' : undefined}>
            <input type="radio" name={name} value={l} checked={value === l} onChange={() => onChange(l)} />
            <span>{t(`onestopStats.levels.l${l}`)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The citizen's evaluation of a returned dossier: /danh-gia/<code>?t=<lookup token>. No sign-in. */
export default function PublicEvaluationPage({ code, token }: { code: string; token: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const form = useQuery(evaluationFormQuery(code, token));
  const submit = useMutation(submitEvaluationMutation(qc));
  const [scores, setScores] = useState<Record<string, number>>({});
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const set = (k: string) => (v: number) => setScores((s) => ({ ...s, [k]: v }));
  const f = form.data;

  const send = (e: FormEvent) => {
    e.preventDefault();
    const keys = ['overall', 'receipt', 'processing', 'returnStage', ...(f?.officers.map((o) => `officer:${o.key}`) ?? [])];
    if (keys.some((k) => !scores[k])) return setMissing(true);
    setMissing(false);
    submit.mutate({
      code,
      body: {
        token,
        overall: scores.overall,
        receipt: scores.receipt,
        processing: scores.processing,
        returnStage: scores.returnStage,
        officers: (f?.officers ?? []).map((o) => ({ key: o.key, score: scores[`officer:${o.key}`] })),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      },
    });
  };

  return (
    <div className="os-public">
      <header className="os-public-head">
        <strong>{t('onestopStats.evalTitle')}</strong>
        <LanguageSwitch />
      </header>
      <main className="os-public-main" data-testid="evaluation-page">
        {form.isPending && <p className="muted">{t('onestopStats.loading')}</p>}
        {form.isError && <Alert>{errorMessage(form.error)}</Alert>}
        {f && <p>{t('onestopStats.evalIntro', { code: f.code, procedure: f.procedureName, agency: f.agencyName })}</p>}
        {f && !f.canEvaluate && !submit.isSuccess && (
          <Alert kind="info">{codeMessage({ code: f.reasonCode ?? undefined }) ?? oneLanguage(f.reason ?? '')}</Alert>
        )}
        {submit.isSuccess && <Alert kind="success">{t('onestopStats.thanks')}</Alert>}
        {f?.canEvaluate && !submit.isSuccess && (
          <form onSubmit={send} className="os-eval-form">
            <Scale name="overall" legend={t('onestopStats.overall')} value={scores.overall} onChange={set('overall')} />
            <Scale name="receipt" legend={t('onestopStats.stageReceipt')} value={scores.receipt} onChange={set('receipt')} />
            <Scale name="processing" legend={t('onestopStats.stageProcessing')} value={scores.processing} onChange={set('processing')} />
            <Scale name="returnStage" legend={t('onestopStats.stageReturn')} value={scores.returnStage} onChange={set('returnStage')} />
            {f.officers.length > 0 && <h2>{t('onestopStats.officersTitle')}</h2>}
            {f.officers.map((o) => (
              <Scale
                key={o.key}
                name={`officer-${o.key}`}
                legend={`${o.name} (${o.stages.map((s) => t(`onestopStats.stages.${s}`)).join(', ')})`}
                value={scores[`officer:${o.key}`]}
                onChange={set(`officer:${o.key}`)}
              />
            ))}
            <label className="field">
              {t('onestopStats.comment')}
              <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} rows={3} />
            </label>
            {missing && <Alert>{t('onestopStats.chooseAll')}</Alert>}
            {submit.isError && <Alert>{errorMessage(submit.error)}</Alert>}
            <button type="submit" className="button button-primary os-big" disabled={submit.isPending}>
              {t('onestopStats.submit')}
            </button>
          </form>
        )}
        <p>
          <Link to="/ket-qua-danh-gia">{t('onestopStats.resultsTitle')}</Link>
        </p>
      </main>
    </div>
  );
}
