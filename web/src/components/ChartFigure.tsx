import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { saveFile } from '../lib/download.js';
import './charts.css';

// Chart.js, tree-shaken: only the controllers, elements and plugins our charts use (docs/charts.md says why Chart.js).
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
  MatrixController,
  MatrixElement,
);

/** A canvas is transparent: the PNG gets the page's white behind the chart. */
const whiteBackground: Plugin = {
  id: 'eisoWhiteBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** The number formats of the page's language: "1.234,5" in Vietnamese (Intl, as Chart.js's own `locale` option). */
export function chartLocale(language: string): string {
  return language === 'en' ? 'en-GB' : 'vi-VN';
}

/** Formats a number as the user's language writes it (Vietnamese: "4,25"). */
export function useNumberFormat(options?: Intl.NumberFormatOptions): (n: number) => string {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(chartLocale(i18n.language), options);
  return (n: number) => format.format(n);
}

export interface ChartFigureProps {
  /** The figure's caption (also the accessible name of the chart). */
  title: string;
  /** A sentence saying what the chart shows, for screen readers (the table beside carries the numbers). */
  summary: string;
  /** Chart.js configuration: data and options; `locale`, responsiveness and the white background are added here. */
  config: ChartConfiguration;
  /** The data of the chart as a table, shown beside it. */
  table: ReactNode;
  /** The PNG's file name, without extension. */
  fileName: string;
  /** Height of the drawing in pixels. */
  height?: number;
  testId?: string;
}

/**
 * One chart with its table beside it and a "Tải PNG" button: the canvas is an image with an accessible
 * name and a fallback text; the numbers themselves are in the table, readable and navigable by keyboard.
 */
export function ChartFigure({ title, summary, config, table, fileName, height = 260, testId }: ChartFigureProps) {
  const { t, i18n } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [ready, setReady] = useState(false);
  const captionId = useId();
  const locale = chartLocale(i18n.language);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const chart = new Chart(canvas, {
      ...config,
      options: { ...config.options, locale, responsive: true, maintainAspectRatio: false, animation: false },
      plugins: [...(config.plugins ?? []), whiteBackground],
    } as ChartConfiguration);
    setReady(true);
    return () => {
      chart.destroy();
      setReady(false);
    };
  }, [config, locale]);

  // The canvas, not the chart: the chart is destroyed and drawn again on the same canvas when its data
  // changes (a refetch), and a click in between must still save what the canvas shows.
  const download = () => {
    canvasRef.current?.toBlob((blob) => {
      if (blob) saveFile(blob, `${fileName}.png`);
    }, 'image/png');
  };

  return (
    <figure className="chart-figure" data-testid={testId} aria-labelledby={captionId}>
      <figcaption id={captionId} className="chart-caption">
        <span>{title}</span>
        <button type="button" className="button chart-png" onClick={download} disabled={!ready} data-testid={testId ? `${testId}-png` : undefined}>
          {t('chart.downloadPng')}
        </button>
      </figcaption>
      <div className="chart-body">
        <div className="chart-canvas" style={{ height }}>
          <canvas ref={canvasRef} role="img" aria-label={`${title}. ${summary}`} data-ready={ready ? 'true' : 'false'}>
            {summary}
          </canvas>
        </div>
        <div className="chart-table" role="region" aria-label={t('chart.table', { title })} tabIndex={0}>
          {table}
        </div>
      </div>
    </figure>
  );
}
