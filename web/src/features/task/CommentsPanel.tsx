import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { taskCommentsQuery, taskExtrasMutations } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';

/** Comments on the case, from all its steps. Bodies are plain text: React renders them as text, never as HTML. */
export function CommentsPanel({ taskId }: { taskId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const comments = useQuery(taskCommentsQuery(taskId));
  const add = useMutation(taskExtrasMutations.comment(queryClient));
  const [text, setText] = useState('');
  const [empty, setEmpty] = useState(false);

  const submit = () => {
    if (!text.trim()) {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    add.mutate({ id: taskId, body: text }, { onSuccess: () => setText('') });
  };

  return (
    <section className="tv-panel tv-comments" aria-labelledby="tv-comments-title">
      <h2 id="tv-comments-title">{t('taskView.comments')}</h2>
      {comments.isError && <Alert>{errorMessage(comments.error)}</Alert>}
      {comments.data && comments.data.items.length === 0 && <p className="muted">{t('taskView.noComments')}</p>}
      {comments.data && comments.data.items.length > 0 && (
        <ol className="tv-comment-list" data-testid="comments">
          {comments.data.items.map((c) => (
            <li key={c.id} className="tv-comment" data-testid="comment">
              <div className="tv-comment-meta">
                <strong>{c.authorName}</strong> <span className="muted">({c.author})</span> · <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>{' '}
                <span className="muted">{t('taskView.commentAt', { step: c.stepName })}</span>
              </div>
              <p className="tv-comment-body">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form
        className="tv-comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor="tv-comment-text">{t('taskView.commentLabel')}</label>
        <textarea
          id="tv-comment-text"
          value={text}
          maxLength={4000}
          rows={3}
          placeholder={t('taskView.commentPlaceholder')}
          aria-invalid={empty}
          onChange={(e) => setText(e.target.value)}
        />
        {empty && (
          <p className="field-error" role="alert">
            {t('taskView.commentRequired')}
          </p>
        )}
        {add.isError && (
          <Alert onDismiss={() => add.reset()} dismissLabel={t('errors.dismiss')}>
            {errorMessage(add.error)}
          </Alert>
        )}
        <div>
          <button type="submit" className="button" disabled={add.isPending}>
            {add.isPending ? t('taskView.commentSending') : t('taskView.commentSend')}
          </button>
        </div>
      </form>
    </section>
  );
}
