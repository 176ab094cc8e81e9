import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';

const tfRoot = path.resolve(import.meta.dirname, '../../deploy/terraform');
type Hcl = Record<string, unknown>;
type Block = Record<string, unknown>;

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full, ext) : full.endsWith(ext) ? [full] : [];
  });

const parsed = new Map<string, Hcl>();
const hcl = (file: string): Hcl => {
  const doc = parsed.get(file);
  if (doc === undefined) throw new Error(`not parsed: ${file}`);
  return doc;
};
/** Every `resource "TYPE" "name"` block across the given files. */
const resources = (type: string, within: string[] = [...parsed.keys()]): { file: string; name: string; body: Block }[] =>
  within.flatMap((file) => {
    const byType = (hcl(file).resource as Record<string, Record<string, Block[]>> | undefined)?.[type] ?? {};
    return Object.entries(byType).flatMap(([name, bodies]) => bodies.map((body) => ({ file, name, body })));
  });
const first = (value: unknown): Block => (Array.isArray(value) ? value[0] : value) as Block;
const stacks = ['app', 'edge'];
const stackFiles = (stack: string): string[] => [...parsed.keys()].filter((f) => f.includes(`/stacks/${stack}/`) && f.endsWith('.tf'));

describe('Terraform (parsed with a real HCL parser)', () => {
  beforeAll(async () => {
    for (const file of [...files(tfRoot, '.tf'), ...files(tfRoot, '.tfvars'), ...files(tfRoot, '.hcl')]) {
      parsed.set(file, (await parse(file, readFileSync(file, 'utf8'))) as Hcl);
    }
  });

  it('parses every file', () => {
    expect(parsed.size).toBeGreaterThan(15);
  });

  describe('certificates: one per service, literal stable names, never derived from domains', () => {
    it('the certificate resource takes its name only from the caller, and nothing hashes anything', () => {
      const certs = resources('google_compute_managed_ssl_certificate');
      expect(certs).toHaveLength(1);
      expect(certs[0]?.body.name).toBe('${var.name}');
      for (const file of files(tfRoot, '.tf')) {
        expect(readFileSync(file, 'utf8'), file).not.toMatch(/\b(md5|sha1|sha256|sha512|base64sha256|uuid|substr)\s*\(/);
      }
    });

    it('the edge stack instantiates one certificate module per service, named from that service alone', () => {
      const edge = stackFiles('edge').map(hcl);
      const module = edge.map((d) => (d.module as Record<string, Block[]> | undefined)?.certificate?.[0]).find((m) => m !== undefined);
      expect(module).toMatchObject({ for_each: '${var.services}', name: '${each.value.certificate_name}', source: '../../modules/service-certificate' });
    });

    it.each(['demo', 'uat', 'prod'])('%s: every service has its own literal certificate name', (env) => {
      const vars = hcl(path.join(tfRoot, `stacks/edge/environments/${env}.tfvars`));
      const services = vars.services as Record<string, { certificate_name: string; domains: string[] }>;
      expect(Object.keys(services).sort()).toEqual(['cp', 'plant', 'pp']);
      const names = Object.entries(services).map(([key, s]) => {
        expect(s.certificate_name).toMatch(new RegExp(`^${key}-${env}-tls-v\\d+$`));
        expect(s.certificate_name).not.toContain('${');
        return s.certificate_name;
      });
      expect(new Set(names).size).toBe(names.length);
    });

    it('the HTTPS proxy lists every service certificate', () => {
      const proxy = resources('google_compute_target_https_proxy', stackFiles('edge'))[0]?.body;
      expect(proxy?.ssl_certificates).toBe('${[for key in sort(keys(var.services)) : module.certificate[key].self_link]}');
    });
  });

  describe('the Plant service', () => {
    const service = (): Block => {
      const found = resources('google_cloud_run_v2_service')[0]?.body;
      if (found === undefined) throw new Error('no Cloud Run service');
      return found;
    };

    it('has no public invoker anywhere, and admits only internal and load-balancer traffic', () => {
      for (const [file, doc] of parsed) expect(JSON.stringify(doc), file).not.toMatch(/allUsers|allAuthenticatedUsers/);
      for (const type of ['google_cloud_run_v2_service_iam_member', 'google_cloud_run_v2_service_iam_binding', 'google_cloud_run_service_iam_member', 'google_cloud_run_service_iam_binding']) {
        expect(resources(type), type).toEqual([]);
      }
      expect(service().ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
    });

    it('runs as its own service account, with secrets from Secret Manager and the probes on /health/ready and /health', () => {
      const template = first(service().template);
      expect(template.service_account).toBe('${google_service_account.plant.email}');
      const container = first(template.containers);
      expect(first(first(container.startup_probe).http_get)).toMatchObject({ path: '/health/ready' });
      expect(first(first(container.liveness_probe).http_get)).toMatchObject({ path: '/health' });
      const env = container.env as { name: string; value?: string; value_source?: unknown }[];
      for (const secret of ['APP_DATABASE_URL', 'JWT_SECRET']) {
        const entry = env.find((e) => e.name === secret);
        expect(entry?.value, secret).toBeUndefined();
        expect(JSON.stringify(entry?.value_source)).toContain('secret_key_ref');
      }
      expect(first(template.scaling)).toMatchObject({ min_instance_count: '${var.min_instances}', max_instance_count: '${var.max_instances}' });
    });
  });

  describe('the database', () => {
    it('has no public IP, requires TLS, and keeps backups and PITR configurable', () => {
      const instance = resources('google_sql_database_instance')[0]?.body;
      const settings = first(instance?.settings);
      expect(first(settings.ip_configuration)).toMatchObject({ ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY' });
      expect(first(settings.backup_configuration)).toMatchObject({ enabled: '${var.backups_enabled}', point_in_time_recovery_enabled: '${var.point_in_time_recovery}' });
    });

    it('takes passwords only from Secret Manager or sensitive variables, and never outputs them', () => {
      const user = resources('google_sql_user')[0]?.body;
      expect(user?.password).toMatch(/^\$\{data\.google_secret_manager_secret_version\./);
      for (const file of files(tfRoot, '.tf')) {
        const doc = hcl(file);
        const variables = (doc.variable as Record<string, Block[]> | undefined) ?? {};
        for (const [name, [body]] of Object.entries(variables)) {
          if (/password|secret|key$/i.test(name) && !/_ids?$/.test(name)) {
            expect(body?.sensitive, `${file}: variable ${name}`).toBe(true);
          }
        }
        for (const [name, [body]] of Object.entries((doc.output as Record<string, Block[]> | undefined) ?? {})) {
          expect(JSON.stringify(body), `${file}: output ${name}`).not.toMatch(/password|secret_data|connection_string/i);
        }
      }
      for (const file of files(tfRoot, '.tfvars')) expect(readFileSync(file, 'utf8'), file).not.toMatch(/password\s*=|secret_data/i);
    });
  });

  describe('state', () => {
    it.each(stacks)('the %s stack has exactly one backend, and one named state per environment', (stack) => {
      const backends = stackFiles(stack).flatMap((file) => ((hcl(file).terraform as Block[] | undefined) ?? []).filter((t) => t.backend !== undefined));
      expect(backends).toHaveLength(1);
      const prefixes = ['demo', 'uat', 'prod'].map((env) => hcl(path.join(tfRoot, `stacks/${stack}/environments/${env}.backend.hcl`)).prefix);
      expect(prefixes).toEqual([`plant/demo/${stack}`, `plant/uat/${stack}`, `plant/prod/${stack}`]);
    });

    it('no backend block anywhere else (modules carry none)', () => {
      const withBackend = [...parsed.entries()].filter(([f, d]) => f.endsWith('.tf') && JSON.stringify(d.terraform ?? []).includes('"backend"')).map(([f]) => path.relative(tfRoot, f));
      expect(withBackend.sort()).toEqual(['stacks/app/backend.tf', 'stacks/edge/backend.tf']);
    });
  });
});
