// SPDX-License-Identifier: Apache-2.0
/** Access tokens for the Business Messages API from service-account credentials. */
package dev.bmreceipts.auth;
