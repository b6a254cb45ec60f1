// What Defender's two record formats share: ARM id segments, image names, severity
// labels, and the scan event an image gets.
import { MAPPING_VERSION } from './common.js';

export const PROVIDER = 'defender-for-cloud';

export const LEVELS = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'NONE',
  unknown: 'NONE',
  none: 'NONE',
};
export const FIXED = { CRITICAL: 10, HIGH: 8.9, MEDIUM: 6.9, LOW: 3.9, NONE: 0 };

export const lower = (s) => (typeof s === 'string' ? s.toLowerCase() : '');

/** The segment after `key` in an ARM id (case-insensitive), unless a `{placeholder}`. */
export function armSegment(arm, key) {
  if (typeof arm !== 'string') return undefined;
  const at = arm.toLowerCase().indexOf(key.toLowerCase());
  if (at < 0) return undefined;
  const seg = arm.slice(at + key.length).split('/')[0].trim();
  return seg !== '' && !seg.startsWith('{') ? seg : undefined;
}

export function splitRegistry(name) {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') return [first, name.slice(slash + 1)];
  }
  return [undefined, name];
}

export function acrLoginServer(arm) {
  const name = armSegment(arm, '/providers/Microsoft.ContainerRegistry/registries/');
  return name !== undefined && !name.includes(' ') ? `${name.toLowerCase()}.azurecr.io` : undefined;
}

/** A VULNERABILITY_SCAN of an image, without its ids and time (set per image and day). */
export function scanSkeleton(objectId, objectType, objectName) {
  return {
    'event.kind': 'SECURITY_EVENT',
    'event.type': 'VULNERABILITY_SCAN',
    'event.name': 'Vulnerability scan event',
    'event.provider': 'Microsoft Defender for Cloud',
    'product.vendor': 'Microsoft',
    'product.name': 'Microsoft Defender for Cloud',
    'object.id': objectId,
    'object.type': objectType,
    'object.name': objectName,
    'scan.name': 'Defender for Cloud container image vulnerability assessment',
    'secmap.mapping.version': MAPPING_VERSION,
  };
}

