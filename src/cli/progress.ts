import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on a terminal (stderr), silence otherwise, so scripts and CI logs stay clean. */
export const progress = (label: string): { update: (done: number, total: number) => void; stop: () => void } => {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
};
