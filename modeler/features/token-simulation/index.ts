import TokenSimulationModule from 'bpmn-js-token-simulation';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';

/**
 * bpmn-io's token simulation (bpmn-js-token-simulation, MIT) in the modeler, switched from our toolbar
 * (its own in-canvas switch is hidden by modeler.css). The package writes its tooltips in English: in
 * Vietnamese they are replaced whenever its controls are drawn or the simulation moves.
 */
const VI_TITLES: Record<string, string> = {
  'Play/Pause Simulation': 'Chạy / tạm dừng mô phỏng',
  'Reset Simulation': 'Đặt lại mô phỏng',
  'Toggle Simulation Log': 'Hiện / ẩn nhật ký mô phỏng',
  'Trigger Event': 'Phát token tại đây',
  'Set Sequence Flow': 'Chọn nhánh đi tiếp',
  'Add pause point': 'Thêm điểm dừng',
  'Remove pause point': 'Bỏ điểm dừng',
};

function SimulationLabels(
  this: unknown,
  eventBus: { on(e: string, cb: () => void): void },
  canvas: { getContainer(): HTMLElement },
  language: string | undefined,
) {
  if ((language ?? 'vi') !== 'vi') return;
  const relabel = () => {
    const root = canvas.getContainer();
    for (const el of Array.from(root.querySelectorAll<HTMLElement>('[title]'))) {
      const title = el.getAttribute('title') ?? '';
      const vi = VI_TITLES[title] ?? (title.startsWith('Set animation speed = ') ? `Tốc độ mô phỏng ${title.slice(22)}` : undefined);
      if (vi) el.setAttribute('title', vi);
    }
  };
  for (const e of [
    'tokenSimulation.toggleMode',
    'tokenSimulation.simulator.trace',
    'tokenSimulation.simulator.elementChanged',
    'tokenSimulation.resetSimulation',
    'contextPad.open',
    'selection.changed',
  ]) {
    eventBus.on(e, () => queueMicrotask(relabel));
  }
}
SimulationLabels.$inject = ['eventBus', 'canvas', 'config.language'];

export default {
  __depends__: [TokenSimulationModule],
  __init__: ['eisoSimulationLabels'],
  eisoSimulationLabels: ['type', SimulationLabels],
};
