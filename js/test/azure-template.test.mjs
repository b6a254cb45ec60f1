// deploy/azure/azuredeploy.json, read as ARM reads it: the resources exist and are wired as
// the Function app needs (checkov, in `cargo xtask test`, checks the policies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const template = JSON.parse(readFileSync(new URL('../../deploy/azure/azuredeploy.json', import.meta.url), 'utf8'));
const byType = (type) => template.resources.filter((r) => r.type === type);
const one = (type) => {
  const found = byType(type);
  assert.equal(found.length, 1, type);
  return found[0];
};
const v = template.variables;

test('Event Hubs: one hub, a Listen-only rule for the function and a Send-only rule for Defender', () => {
  one('Microsoft.EventHub/namespaces');
  one('Microsoft.EventHub/namespaces/eventhubs');
  const rules = byType('Microsoft.EventHub/namespaces/eventhubs/authorizationRules');
  const rights = Object.fromEntries(rules.map((r) => [r.name.match(/, (\w[\w-]*)\)\]$/)?.[1] ?? r.name, r.properties.rights]));
  assert.deepEqual(
    rules.map((r) => r.properties.rights),
    [['Listen'], ['Send']],
    JSON.stringify(rights),
  );
  assert.ok(rules[0].name.includes("variables('listenRule')") && v.listenRule === 'secmap-listen');
  assert.ok(rules[1].name.includes("variables('sendRule')") && v.sendRule === 'defender-send');
  assert.equal(byType('Microsoft.EventHub/namespaces/authorizationRules').length, 0, 'no namespace-wide (Manage) rule');
});

test('the Function app: Linux, Functions v4, Node 22+, a system identity, its settings from the vault and the Listen rule', () => {
  const site = one('Microsoft.Web/sites');
  assert.equal(site.kind, 'functionapp,linux');
  assert.equal(site.identity.type, 'SystemAssigned');
  assert.equal(site.properties.httpsOnly, true);
  assert.equal(site.properties.siteConfig.linuxFxVersion, "[format('Node|{0}', parameters('nodeVersion'))]");
  assert.ok(template.parameters.nodeVersion.allowedValues.every((n) => Number(n) >= 22));
  const settings = one('Microsoft.Web/sites/config').properties;
  assert.equal(settings.FUNCTIONS_EXTENSION_VERSION, '~4');
  assert.equal(settings.FUNCTIONS_WORKER_RUNTIME, 'node');
  assert.equal(settings.SECMAP_PROVIDER, 'auto');
  assert.match(settings.DT_API_TOKEN, /^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', reference\(resourceId\('Microsoft\.KeyVault\/vaults\/secrets'/);
  assert.match(settings.EVENTHUB_CONNECTION, /listKeys\(resourceId\('Microsoft\.EventHub\/namespaces\/eventhubs\/authorizationRules', .*variables\('listenRule'\)\)/);
  assert.ok(!JSON.stringify(settings).includes('RootManageSharedAccessKey'));
  // The token parameter is secure and lands only in the vault secret.
  assert.equal(template.parameters.dynatraceToken.type, 'securestring');
  const uses = JSON.stringify(template.resources).split("parameters('dynatraceToken')").length - 1;
  assert.equal(uses, 1);
  assert.equal(one('Microsoft.KeyVault/vaults/secrets').properties.value, "[parameters('dynatraceToken')]");
  // Settings wait for the role assignment, so the reference resolves at the first start.
  const deps = one('Microsoft.Web/sites/config').dependsOn.join(' ');
  assert.match(deps, /Microsoft\.Authorization\/roleAssignments/);
});

test('the identity may read the vault\'s secrets (Key Vault Secrets User on the vault), nothing more', () => {
  const vault = one('Microsoft.KeyVault/vaults');
  assert.equal(vault.properties.enableRbacAuthorization, true);
  const ra = one('Microsoft.Authorization/roleAssignments');
  assert.equal(ra.scope, "[format('Microsoft.KeyVault/vaults/{0}', variables('vaultName'))]");
  assert.match(v.keyVaultSecretsUser, /4633458b-17de-408a-b874-0445c86b69e6/);
  assert.equal(ra.properties.roleDefinitionId, "[variables('keyVaultSecretsUser')]");
  assert.match(ra.properties.principalId, /reference\(resourceId\('Microsoft\.Web\/sites', variables\('appName'\)\), '[\d-]+', 'full'\)\.identity\.principalId/);
  assert.equal(ra.properties.principalType, 'ServicePrincipal');
});

test('the dead-letter container exists and the app writes there', () => {
  const container = one('Microsoft.Storage/storageAccounts/blobServices/containers');
  assert.ok(container.name.includes("variables('deadLetterContainer')"));
  assert.equal(container.properties.publicAccess, 'None');
  assert.match(one('Microsoft.Web/sites/config').properties.SECMAP_DEAD_LETTER_PATH, /variables\('deadLetterContainer'\)/);
  assert.equal(one('Microsoft.Storage/storageAccounts').properties.allowBlobPublicAccess, false);
});

test('continuous export: assessments, sub-assessments and alerts to the hub through the Send rule', () => {
  const auto = one('Microsoft.Security/automations');
  assert.equal(auto.apiVersion, '2023-12-01-preview');
  assert.equal(auto.properties.isEnabled, true);
  assert.deepEqual(v.baseSources.map((s) => s.eventSource), ['Assessments', 'SubAssessments']);
  assert.deepEqual(v.alertSources.map((s) => s.eventSource), ['Alerts']);
  const [action] = auto.properties.actions;
  assert.equal(action.actionType, 'EventHub');
  assert.equal(action.eventHubResourceId, "[resourceId('Microsoft.EventHub/namespaces/eventhubs', variables('namespaceName'), variables('hubName'))]");
  assert.match(action.connectionString, /authorizationRules', .*variables\('sendRule'\)\), '[\d-]+'\)\.primaryConnectionString\]$/);
});

test('the host README names only files that exist, and never the namespace root key', () => {
  const dir = new URL('../hosts/azure-function/', import.meta.url);
  const readme = readFileSync(new URL('README.md', dir), 'utf8');
  assert.ok(!readme.includes('RootManageSharedAccessKey'));
  for (const [, file] of readme.matchAll(/`((?:src|test)\/[\w./-]+\.(?:js|mjs|json))`/g)) {
    assert.doesNotThrow(() => readFileSync(new URL(file, dir)), `README names ${file}`);
  }
});
