// SPDX-License-Identifier: Apache-2.0
/**
 * Internals shared by the packages of this module; not exported, not part of the API.
 */
package dev.bmreceipts.http.internal;
