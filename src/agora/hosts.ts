/**
 * The Signaling domain table and failover order of seed 000 ("Ensure service reliability"):
 * the primary domain, then the alternate domain (the other of api.agora.io / api.sd-rtn.com), then the
 * domain of the region adjacent to the one the primary resolves to, on the primary's suffix.
 */

export const REGIONS = ['us-west-1', 'us-east-1', 'ap-southeast-1', 'ap-northeast-1', 'eu-west-1', 'eu-central-1', 'cn-east-1', 'cn-north-1'] as const;
export type Region = (typeof REGIONS)[number];

/** Each region's neighbour, as in the seed's example (Central Europe -> West Europe). */
const ADJACENT: Record<Region, Region> = {
  'us-west-1': 'us-east-1',
  'us-east-1': 'us-west-1',
  'ap-southeast-1': 'ap-northeast-1',
  'ap-northeast-1': 'ap-southeast-1',
  'eu-west-1': 'eu-central-1',
  'eu-central-1': 'eu-west-1',
  'cn-east-1': 'cn-north-1',
  'cn-north-1': 'cn-east-1',
};

/** The origins one upstream call may go to, in failover order. */
export interface HostPlan {
  primary: string;
  /** Absent for services without documented failover domains (Chat). */
  alternate?: string | undefined;
  regional?: string | undefined;
}

export type HostRole = keyof HostPlan;

/**
 * The plan for a server whose DNS resolves the primary domain to `region`: servers in mainland China
 * use api.sd-rtn.com as primary, all others api.agora.io.
 */
export function hostPlanForRegion(region: Region): HostPlan {
  const inChina = region.startsWith('cn-');
  const [own, other] = inChina ? ['sd-rtn.com', 'agora.io'] : ['agora.io', 'sd-rtn.com'];
  return {
    primary: `https://api.${own}`,
    alternate: `https://api.${other}`,
    regional: `https://api-${ADJACENT[region]}.${own}`,
  };
}

/** A plan from an explicit list of one to three origins: primary, alternate, regional. */
export function hostPlanFromList(origins: readonly string[]): HostPlan {
  const [primary, alternate, regional] = origins.map((o) => new URL(o).origin);
  if (!primary) throw new Error('a host list needs at least one origin');
  return { primary, alternate, regional };
}

export function originFor(plan: HostPlan, role: HostRole): string {
  return plan[role] ?? plan.primary;
}
