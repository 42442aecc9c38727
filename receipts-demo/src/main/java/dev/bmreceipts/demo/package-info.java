// SPDX-License-Identifier: Apache-2.0
/** The demo's command line: {@code serve}, {@code send-read}, {@code report}, {@code emulator}. */
package dev.bmreceipts.demo;
