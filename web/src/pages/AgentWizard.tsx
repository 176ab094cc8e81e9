import { unwrap, type Entity } from '@plant/client';
import { useId, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { ProblemView } from '../components/ProblemView.tsx';
import { usePlant } from '../context.ts';
import { useCertified } from '../use-certified.ts';

const requiredSkills = (role: Entity | undefined): string[] => {
  const skills = (role as { required_skills?: unknown } | undefined)?.required_skills;
  return Array.isArray(skills) ? skills.filter((s): s is string => typeof s === 'string') : [];
};

/**
 * Agent birth in the order the rules read (L1-AGENT-04…06): an industry, then a certified role of
 * that industry, then one of that role's certified skills, then a name. Each step offers only what
 * the next rule accepts; a race the console cannot see (a decertification meanwhile) still comes
 * back as the server's violations, shown verbatim.
 */
export const AgentWizard = (): React.JSX.Element => {
  const { client } = usePlant();
  const [industry, setIndustry] = useState('');
  const [roleId, setRoleId] = useState('');
  const [skillId, setSkillId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [born, setBorn] = useState<Entity | null>(null);
  const industries = useCertified('/api/v1/genesis/industries');
  const roles = useCertified('/api/v1/genesis/job-roles', industry === '' ? {} : { industry_id: industry });
  const skills = useCertified('/api/v1/genesis/skills');
  const ids = { industry: useId(), role: useId(), skill: useId(), name: useId() };

  const role = roles?.find((r) => r.id === roleId);
  const offered = useMemo(() => {
    const wanted = new Set(requiredSkills(role));
    return (skills ?? []).filter((s) => wanted.has(s.id));
  }, [role, skills]);
  const step = industry === '' ? 1 : roleId === '' ? 2 : skillId === '' ? 3 : 4;

  const birth = async (): Promise<void> => {
    setError(null);
    setBorn(null);
    try {
      const agent = await unwrap(await client.api.POST('/api/v1/agents', { body: { name: name.trim(), industry_id: industry, job_role_id: roleId, skill_id: skillId } }));
      setBorn(agent);
      setName('');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <form className="panel form wizard" aria-label="Agent birth" onSubmit={(e) => { e.preventDefault(); void birth(); }}>
      <h2>Birth an agent</h2>
      <p className="hint">Step {step} of 4</p>
      <label htmlFor={ids.industry}>1. Industry</label>
      <select id={ids.industry} value={industry} onChange={(e) => { setIndustry(e.target.value); setRoleId(''); setSkillId(''); }}>
        <option value="">Choose an industry</option>
        {(industries ?? []).map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
      </select>

      <label htmlFor={ids.role}>2. Certified job role of that industry</label>
      <select id={ids.role} value={roleId} disabled={industry === '' || roles === null} onChange={(e) => { setRoleId(e.target.value); setSkillId(''); }}>
        <option value="">{roles?.length === 0 ? 'No certified role in this industry' : 'Choose a job role'}</option>
        {(industry === '' ? [] : (roles ?? [])).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
      </select>

      <label htmlFor={ids.skill}>3. One of the role’s certified skills</label>
      <select id={ids.skill} value={skillId} disabled={roleId === ''} onChange={(e) => { setSkillId(e.target.value); }}>
        <option value="">{roleId !== '' && offered.length === 0 ? 'None of its skills is certified now' : 'Choose a skill'}</option>
        {offered.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>

      <label htmlFor={ids.name}>4. Name</label>
      <input id={ids.name} required maxLength={200} value={name} disabled={skillId === ''} onChange={(e) => { setName(e.target.value); }} />

      <button type="submit" disabled={skillId === '' || name.trim() === ''}>Birth agent</button>
      <ProblemView error={error} />
      {born !== null && (
        <p role="status" className="ok">
          Born: <Link href={`/entities/${born.id}`}>{born.name}</Link> (v{born.version}).
        </p>
      )}
    </form>
  );
};
