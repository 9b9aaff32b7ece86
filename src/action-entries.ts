/**
 * The entries the action adds to every package it creates (SPEC §4): tags on unversioned
 * packages, customer metadata properties on versions. Their keys share one prefix that
 * manifests may not use, and a manifest must leave room for them under the API's limit.
 */

/** The prefix of every key the action writes. */
export const ACTION_KEY_PREFIX = 'sagemaker-model-package-action:';

/** How many entries the action keeps for itself: its fingerprint and the run's identity. */
export const ACTION_ENTRIES = 2;

/** What the action's entries are, for messages. */
export const ACTION_ENTRIES_DESCRIPTION = "its fingerprint and the run's identity";
