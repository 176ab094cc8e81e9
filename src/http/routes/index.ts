import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { registerAssignTeam } from './agents/assign-team.ts';
import { registerGetAgent } from './agents/get-agent.ts';
import { registerListAgents } from './agents/list-agents.ts';
import { registerPostAgent } from './agents/post-agent.ts';
import { registerExport } from './audit/export.ts';
import { registerRunAudit } from './audit/run-audit.ts';
import { registerTampering } from './audit/tampering.ts';
import { registerPostServiceAccount } from './auth/post-service-account.ts';
import { registerPostToken } from './auth/post-token.ts';
import { registerArchive } from './entities/archive.ts';
import { registerDelete } from './entities/delete.ts';
import { registerDeprecate } from './entities/deprecate.ts';
import { registerEvolve } from './entities/evolve.ts';
import { registerGetEntity } from './entities/get-entity.ts';
import { registerGetHistory } from './entities/get-history.ts';
import { registerCertifyJobRole } from './genesis/certify-job-role.ts';
import { registerCertifySkill } from './genesis/certify-skill.ts';
import { registerDecertifyJobRole } from './genesis/decertify-job-role.ts';
import { registerDecertifySkill } from './genesis/decertify-skill.ts';
import { registerGetIndustry } from './genesis/get-industry.ts';
import { registerGetJobRole } from './genesis/get-job-role.ts';
import { registerGetSkill } from './genesis/get-skill.ts';
import { registerListIndustries } from './genesis/list-industries.ts';
import { registerListJobRoles } from './genesis/list-job-roles.ts';
import { registerListSkills } from './genesis/list-skills.ts';
import { registerPostIndustry } from './genesis/post-industry.ts';
import { registerPostJobRole } from './genesis/post-job-role.ts';
import { registerPostSkill } from './genesis/post-skill.ts';
import { registerGetHealth } from './health/get-health.ts';
import { registerGetReady } from './health/get-ready.ts';
import { registerGetKeys } from './keys/get-keys.ts';
import { registerGetTeam } from './teams/get-team.ts';
import { registerListTeams } from './teams/list-teams.ts';
import { registerPostTeam } from './teams/post-team.ts';

export const registerRoutes = (app: FastifyInstance, deps: ApiDeps): void => {
  registerGetHealth(app);
  registerGetReady(app, { pool: deps.sql, engine: deps.engine });

  registerPostSkill(app, deps);
  registerListSkills(app, deps);
  registerGetSkill(app, deps);
  registerCertifySkill(app, deps);
  registerDecertifySkill(app, deps);
  registerPostJobRole(app, deps);
  registerListJobRoles(app, deps);
  registerGetJobRole(app, deps);
  registerCertifyJobRole(app, deps);
  registerDecertifyJobRole(app, deps);
  registerPostIndustry(app, deps);
  registerListIndustries(app, deps);
  registerGetIndustry(app, deps);

  registerPostAgent(app, deps);
  registerListAgents(app, deps);
  registerGetAgent(app, deps);
  registerAssignTeam(app, deps);
  registerPostTeam(app, deps);
  registerListTeams(app, deps);
  registerGetTeam(app, deps);

  registerGetEntity(app, deps);
  registerGetHistory(app, deps);
  registerEvolve(app, deps);
  registerDeprecate(app, deps);
  registerArchive(app, deps);
  registerDelete(app, deps);

  registerRunAudit(app, deps);
  registerTampering(app, deps);
  registerExport(app, deps);

  registerGetKeys(app, deps);
  registerPostToken(app, deps);
  registerPostServiceAccount(app, deps);
};
