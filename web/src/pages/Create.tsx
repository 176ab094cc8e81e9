import { unwrap, type Entity } from '@plant/client';
import { useId, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ProblemView } from '../components/ProblemView.tsx';
import { usePlant } from '../context.ts';
import { may } from '../session.ts';
import { useCertified } from '../use-certified.ts';
import { AgentWizard } from './AgentWizard.tsx';

const CATEGORIES = ['technical', 'soft_skill', 'domain_expertise', 'certification'] as const;
const SENIORITY = ['junior', 'mid', 'senior'] as const;

const Created = ({ entity }: { entity: Entity }): React.JSX.Element => (
  <p role="status" className="ok">
    Created <Link href={`/entities/${entity.id}`}>{entity.name}</Link> (v{entity.version}).
    {entity.entity_type === 'Skill' || entity.entity_type === 'JobRole' ? <> It waits for certification in the <Link href="/governance">governance queue</Link>.</> : null}
  </p>
);

export const NewSkill = (): React.JSX.Element => {
  const { client } = usePlant();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [category, setCategory] = useState<string>('technical');
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Entity | null>(null);
  const ids = { name: useId(), description: useId(), category: useId() };
  const submit = async (): Promise<void> => {
    setError(null);
    setCreated(null);
    try {
      setCreated(await unwrap(await client.api.POST('/api/v1/genesis/skills', { body: { name: name.trim(), description: description.trim(), category } })));
      setName('');
      setDescription('');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>New skill</h2>
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} required maxLength={200} value={name} onChange={(e) => { setName(e.target.value); }} />
      <label htmlFor={ids.description}>Description</label>
      <textarea id={ids.description} required rows={3} value={description} onChange={(e) => { setDescription(e.target.value); }} />
      <label htmlFor={ids.category}>Category</label>
      <select id={ids.category} value={category} onChange={(e) => { setCategory(e.target.value); }}>
        {CATEGORIES.map((c) => <option key={c} value={c}>{c.replace('_', ' ')}</option>)}
      </select>
      <button type="submit">Create skill</button>
      <ProblemView error={error} />
      {created !== null && <Created entity={created} />}
    </form>
  );
};

export const NewJobRole = (): React.JSX.Element => {
  const { client } = usePlant();
  const skills = useCertified('/api/v1/genesis/skills');
  const industries = useCertified('/api/v1/genesis/industries');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [seniority, setSeniority] = useState<string>('mid');
  const [industry, setIndustry] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Entity | null>(null);
  const ids = { name: useId(), description: useId(), seniority: useId(), industry: useId() };
  const submit = async (): Promise<void> => {
    setError(null);
    setCreated(null);
    try {
      const body = { name: name.trim(), description: description.trim(), seniority_level: seniority, required_skills: chosen, ...(industry === '' ? {} : { industry_id: industry }) };
      setCreated(await unwrap(await client.api.POST('/api/v1/genesis/job-roles', { body })));
      setName('');
      setDescription('');
      setChosen([]);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2>New job role</h2>
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} required maxLength={200} value={name} onChange={(e) => { setName(e.target.value); }} />
      <label htmlFor={ids.description}>Description</label>
      <textarea id={ids.description} required rows={3} value={description} onChange={(e) => { setDescription(e.target.value); }} />
      <label htmlFor={ids.seniority}>Seniority</label>
      <select id={ids.seniority} value={seniority} onChange={(e) => { setSeniority(e.target.value); }}>
        {SENIORITY.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <label htmlFor={ids.industry}>Industry</label>
      <select id={ids.industry} value={industry} onChange={(e) => { setIndustry(e.target.value); }}>
        <option value="">None</option>
        {(industries ?? []).map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
      </select>
      <fieldset className="choices">
        <legend>Required skills (certified only)</legend>
        {skills === null && <p>Loading skills…</p>}
        {skills?.length === 0 && <p>No certified skills yet: create one and have it certified first.</p>}
        {skills?.map((s) => (
          <label key={s.id} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(s.id)}
              onChange={(e) => { setChosen((c) => (e.target.checked ? [...c, s.id] : c.filter((id) => id !== s.id))); }}
            />
            {s.name}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={chosen.length === 0}>Create job role</button>
      <ProblemView error={error} />
      {created !== null && <Created entity={created} />}
    </form>
  );
};

/** Where new entities are made: skills and roles here, agents through the birth wizard. */
export const Create = ({ what }: { what: string }): React.JSX.Element => {
  const { session } = usePlant();
  const [, navigate] = useLocation();
  const tabs = [
    ['skill', 'Skill'],
    ['job-role', 'Job role'],
    ['agent', 'Agent (birth wizard)'],
  ] as const;
  // The same split as the server's: the catalog is governance's, agents are operators'.
  const allowed = what === 'agent' ? may(session, 'operator') : may(session, 'governance');
  return (
    <>
      <h1>Create</h1>
      <nav className="tabs" aria-label="What to create">
        {tabs.map(([slug, label]) => (
          <button key={slug} type="button" className={slug === what ? 'tab on' : 'tab'} aria-current={slug === what ? 'page' : undefined} onClick={() => { navigate(`/new/${slug}`); }}>
            {label}
          </button>
        ))}
      </nav>
      {!allowed && <p className="hint">Signed in as {session?.subject} ({session?.roles.join(', ')}): {what === 'agent' ? 'agents are born by operators' : 'the catalog is written by governance'}; the server would refuse this.</p>}
      {allowed && what === 'skill' && <NewSkill />}
      {allowed && what === 'job-role' && <NewJobRole />}
      {allowed && what === 'agent' && <AgentWizard />}
    </>
  );
};
