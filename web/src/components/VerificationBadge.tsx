import type { EntityVerification } from '@plant/client';
import { ENTITY_STEPS } from '@plant/client/verify';
import { useCallback, useEffect, useState } from 'react';
import { usePlant } from '../context.ts';
import { forgetPin, loadPin, pinKey, type PinnedKey } from '../pin.ts';

const STEP_LABEL: Record<(typeof ENTITY_STEPS)[number], string> = {
  keys: 'published signing keys',
  signatures: 'every amendment signature',
  chain: 'the hash chain',
  state: 'the shown state is the signed content',
  checkpoint: 'the checkpoint, signed by the pinned log key',
  inclusion: 'the head amendment is in the log',
};

type State =
  | { phase: 'checking' }
  | { phase: 'done'; result: EntityVerification; pin: PinnedKey; served: string; pinnedNow: boolean }
  | { phase: 'error'; message: string };

/**
 * Verifies, in this browser, what the server says about one entity: nothing the server says is
 * taken on trust except through the log key pinned here on first use. The badge names the first
 * check that failed; a server that presents another log key than the pinned one is a red warning.
 */
export const VerificationBadge = ({ id, version }: { id: string; version: number }): React.JSX.Element => {
  const { client } = usePlant();
  const [state, setState] = useState<State>({ phase: 'checking' });

  const run = useCallback(async (): Promise<void> => {
    setState({ phase: 'checking' });
    try {
      const { data: checkpoint } = await client.api.GET('/api/v1/log/checkpoint');
      if (checkpoint === undefined) throw new Error('the server has no checkpoint to verify against');
      let pin = loadPin();
      const pinnedNow = pin === null;
      pin ??= await pinKey(checkpoint.log_key);
      const result = await client.verifyEntity(id, { logKey: pin.vkey });
      setState({ phase: 'done', result, pin, served: checkpoint.log_key, pinnedNow });
    } catch (error) {
      setState({ phase: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }, [client, id]);

  useEffect(() => {
    void run();
  }, [run, version]);

  // A head newer than the latest checkpoint is proven once the checkpointer signs the next one.
  useEffect(() => {
    if (state.phase !== 'done' || state.result.steps.inclusion !== 'pending') return;
    const timer = setTimeout(() => { void run(); }, 3000);
    return () => { clearTimeout(timer); };
  }, [state, run]);

  if (state.phase === 'checking') {
    return <section className="badge checking" aria-live="polite" aria-label="Verification"><p>Verifying in your browser…</p></section>;
  }
  if (state.phase === 'error') {
    return (
      <section className="badge bad" aria-live="polite" aria-label="Verification">
        <p className="verdict">Could not verify: {state.message}</p>
        <button type="button" onClick={() => { void run(); }}>Try again</button>
      </section>
    );
  }
  const { result, pin, served, pinnedNow } = state;
  const keyChanged = served !== pin.vkey;
  const pending = result.failed_step === null && !result.verified;
  const tone = result.verified && !keyChanged ? 'good' : pending && !keyChanged ? 'pending' : 'bad';
  return (
    <section className={`badge ${tone}`} aria-live="polite" aria-label="Verification" data-verified={result.verified ? 'true' : 'false'} data-failed-step={result.failed_step ?? ''}>
      <p className="verdict">
        {result.verified
          ? `Verified in your browser: ${String(result.version)} amendment(s), proven in checkpoint ${String(result.log?.tree_size)}`
          : result.failed_step !== null
            ? `Verification failed: ${STEP_LABEL[result.failed_step]}`
            : 'Signatures and chain verify; waiting for the next checkpoint to prove the newest amendment'}
      </p>
      {keyChanged && (
        <p className="warning" role="alert">
          This server now presents a different log key than the one pinned in this browser. Nothing it shows is verified until you find out why.
        </p>
      )}
      <ul className="steps">
        {ENTITY_STEPS.map((step) => (
          <li key={step} data-step={step} data-result={result.steps[step]}>
            <span className="mark" aria-hidden="true">{result.steps[step] === 'pass' ? '✓' : result.steps[step] === 'pending' ? '…' : '✗'}</span> {STEP_LABEL[step]}: {result.steps[step]}
          </li>
        ))}
      </ul>
      {result.problems.length > 0 && (
        <details open>
          <summary>{result.problems.length} problem(s)</summary>
          <ul>
            {result.problems.slice(0, 20).map((p, i) => (
              <li key={i}>
                {p.step}/{p.check}{p.version === null ? '' : ` v${String(p.version)}`}: {p.detail}
              </li>
            ))}
          </ul>
        </details>
      )}
      <p className="pin">
        Log key {pinnedNow ? 'pinned now (first use)' : `pinned ${pin.pinnedAt}`}: <code>{pin.fingerprint}</code>{' '}
        <button
          type="button"
          className="link"
          onClick={() => {
            if (window.confirm('Forget the pinned log key? The next verification pins whatever key the server presents.')) {
              forgetPin();
              void run();
            }
          }}
        >
          Forget pin
        </button>
      </p>
    </section>
  );
};
