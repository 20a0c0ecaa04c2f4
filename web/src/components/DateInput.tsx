import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dayOrder, dayPattern, formatDay, parseDay } from '../lib/format.js';

interface DateInputProps {
  /** The day as the API takes it ("2026-02-17"), '' when empty; absent: the field keeps its own value (see `defaultValue`). */
  value?: string;
  defaultValue?: string;
  /** Called with "2026-02-17" once the text is a real day within min and max, '' when emptied. */
  onChange?: (day: string) => void;
  /** With a name, the day goes into the form's data as "2026-02-17" (a hidden field). */
  name?: string;
  min?: string;
  max?: string;
  required?: boolean;
  id?: string;
  'data-testid'?: string;
  'aria-label'?: string;
}

/**
 * The one field for typing a day: a text field in the reader's order (dd/mm/yyyy in Vietnamese), not the
 * browser's date field, which follows the browser's locale (mm/dd/yyyy on an English system). A text that
 * is no real day, or lies outside min/max, blocks the form with a message saying how to write it.
 */
export function DateInput({ value, defaultValue, onChange, name, min, max, required, id, ...rest }: DateInputProps) {
  const { t, i18n } = useTranslation();
  const order = dayOrder(i18n.language);
  const [day, setDay] = useState(value ?? defaultValue ?? '');
  const [text, setText] = useState(day ? formatDay(day) : '');
  const input = useRef<HTMLInputElement>(null);

  // A value set from outside (a reset, a link) or a language switch rewrites the text, unless it already says that day.
  const current = value ?? day;
  useEffect(() => {
    if (current !== '' && parseDay(text, order) === current) return;
    setDay(current);
    setText(current ? formatDay(current) : '');
  }, [current, order]); // the text is read, not followed: typing must not be rewritten under the caret

  const problem = (typed: string): string => {
    if (typed.trim() === '') return '';
    const parsed = parseDay(typed, order);
    if (!parsed) return t('date.invalid', { pattern: dayPattern(order) });
    if (min && parsed < min) return t('date.beforeMin', { min: formatDay(min) });
    if (max && parsed > max) return t('date.afterMax', { max: formatDay(max) });
    return '';
  };
  const message = problem(text);
  useEffect(() => input.current?.setCustomValidity(message), [message]);

  return (
    <>
      <input
        ref={input}
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        className="date-input"
        placeholder={dayPattern(order)}
        value={text}
        required={required}
        aria-invalid={message ? true : undefined}
        title={message || dayPattern(order)}
        onChange={(e) => {
          const typed = e.target.value;
          setText(typed);
          if (problem(typed)) return;
          const next = typed.trim() === '' ? '' : parseDay(typed, order)!;
          setDay(next);
          onChange?.(next);
        }}
        onBlur={() => {
          if (!message && day) setText(formatDay(day));
        }}
        {...rest}
      />
      {name && <input type="hidden" name={name} value={message ? '' : day} />}
    </>
  );
}
