// Who may do what on the Kafka cluster: the separation of DESIGN.md enforced by the broker, not
// only by the code. Each service connects as its own SASL/SCRAM user and is granted exactly the
// topics it needs: ingest writes [returns] and cannot read it back; consolidate reads [returns]
// and writes [results]; publish reads [results] and nothing else, so a compromised publishing
// host cannot read the officials' returns nor forge a result. The command-line tools (loading an
// election, issuing credentials) run as the cluster's administrator.
//
// Resource names carry the deployment's KAFKA_TOPIC_PREFIX: the grants of one deployment say
// nothing about another's topics on a shared cluster.
import kafkajs, { type AclEntry, type Admin } from 'kafkajs'

// kafkajs is CommonJS and node cannot see these among its named exports: take them off the module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs
type AclResourceTypes = kafkajs.AclResourceTypes
type AclOperationTypes = kafkajs.AclOperationTypes
type ResourcePatternTypes = kafkajs.ResourcePatternTypes

/** The topics, by their unprefixed names (core/messages.ts TOPICS). */
export type TopicName = 'returns' | 'elections' | 'results' | 'credentials' | 'security'

export type KafkaServiceUser = 'ingest' | 'consolidate' | 'publish'

export interface TopicAccess {
  read: readonly TopicName[]
  write: readonly TopicName[]
}

export const SERVICE_ACCESS: Record<KafkaServiceUser, TopicAccess> = {
  // Reads the definition (to check returns) and the officials' credentials; writes returns and
  // lockout events.
  ingest: { read: ['elections', 'credentials'], write: ['returns', 'security'] },
  // Reads returns, the definition and lockouts; writes validated results (and relays the definition there).
  consolidate: { read: ['returns', 'elections', 'security'], write: ['results'] },
  publish: { read: ['results'], write: [] },
}

/** The topics a service touches, read or written: the ones it checks (and creates if missing) at start. */
export function topicsOf(user: KafkaServiceUser): TopicName[] {
  const { read, write } = SERVICE_ACCESS[user]
  return [...new Set([...read, ...write])]
}

/** The ACL entries that give `user` its access, for topics and groups named with `prefix`. */
export function aclEntriesFor(user: KafkaServiceUser, prefix: string): AclEntry[] {
  const principal = `User:${user}`
  const allow = (resourceType: AclResourceTypes, resourceName: string, resourcePatternType: ResourcePatternTypes, operation: AclOperationTypes): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType,
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  })
  const { read, write } = SERVICE_ACCESS[user]
  const entries: AclEntry[] = []
  for (const topic of topicsOf(user)) {
    const name = `${prefix}${topic}`
    // Describe: metadata and offsets; Create: a first start creates a missing topic.
    entries.push(allow(AclResourceTypes.TOPIC, name, ResourcePatternTypes.LITERAL, AclOperationTypes.DESCRIBE))
    entries.push(allow(AclResourceTypes.TOPIC, name, ResourcePatternTypes.LITERAL, AclOperationTypes.CREATE))
    if (read.includes(topic)) entries.push(allow(AclResourceTypes.TOPIC, name, ResourcePatternTypes.LITERAL, AclOperationTypes.READ))
    if (write.includes(topic)) entries.push(allow(AclResourceTypes.TOPIC, name, ResourcePatternTypes.LITERAL, AclOperationTypes.WRITE))
  }
  if (read.length > 0) {
    // Every consumer joins a group (kafkajs has no group-less reads): the deployment's groups,
    // every group when the deployment has no prefix (a prefix pattern cannot be empty).
    const [groups, pattern] = prefix === '' ? ['*', ResourcePatternTypes.LITERAL] : [prefix, ResourcePatternTypes.PREFIXED]
    entries.push(allow(AclResourceTypes.GROUP, groups, pattern, AclOperationTypes.READ))
    entries.push(allow(AclResourceTypes.GROUP, groups, pattern, AclOperationTypes.DESCRIBE))
  }
  // Every service's producer is idempotent, and registering one needs this even before any write
  // (publish never writes); it grants no write to any topic.
  entries.push(allow(AclResourceTypes.CLUSTER, 'kafka-cluster', ResourcePatternTypes.LITERAL, AclOperationTypes.IDEMPOTENT_WRITE))
  return entries
}

/** Grants every service its access (idempotent: granting twice changes nothing). Needs an administrator's connection. */
export async function grantServiceAccess(admin: Admin, prefix: string): Promise<{ user: KafkaServiceUser; entries: number }[]> {
  const granted: { user: KafkaServiceUser; entries: number }[] = []
  for (const user of Object.keys(SERVICE_ACCESS) as KafkaServiceUser[]) {
    const acl = aclEntriesFor(user, prefix)
    await admin.createAcls({ acl })
    granted.push({ user, entries: acl.length })
  }
  return granted
}
