-- wrk script for bench/webhook.sh and bench/memory.sh.
-- Business Messages (BENCH_PROTOCOL=bm, the default): every request is a distinct, signed
-- 3-receipt payload: a new requestId and new message ids, so that the webhook's dedupe never
-- short-circuits the work and the journal gets every receipt. X-Goog-Signature is HMAC-SHA512
-- over the exact body bytes.
-- RCS Business Messaging (BENCH_PROTOCOL=rbm): every request is a Pub/Sub push envelope whose
-- base64 data is a distinct user event (a new eventId each; DELIVERED then READ of each message,
-- one receipt per push, as RBM sends them), and X-Goog-Signature is HMAC-SHA512 over the decoded
-- data, keyed with the client token (BENCH_KEY).
-- HMAC and base64 use the system's libcrypto through LuaJIT's FFI (checked against `openssl` by
-- the calling script: the probe below).
-- Environment: BENCH_KEY (signing key or client token), BENCH_RUN (unique per wrk run),
-- BENCH_PATH (/callback), BENCH_PROBE_BODY and BENCH_PROBE_SIG (a body and its openssl
-- signature, checked at start; for rbm also BENCH_PROBE_DATA, the probe's decoded data, which
-- BENCH_PROBE_SIG signs, and whose base64 the body must hold).
-- BENCH_STATIC=1 sends BENCH_PROBE_BODY unchanged instead: wrk then does no per-request work,
-- but after the first request the webhook's dedupe answers every one as a duplicate, so this
-- measures the duplicate path and the load generator's own ceiling, not the receipts path.
local ffi = require("ffi")
ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha512(void);
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
                    const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);
int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
]]
local loaded, crypto = pcall(ffi.load, "libcrypto.so.3")
if not loaded then crypto = ffi.load("crypto") end

local key = assert(os.getenv("BENCH_KEY"), "BENCH_KEY is not set")
local rbm = (os.getenv("BENCH_PROTOCOL") or "bm") == "rbm"
local run = assert(os.getenv("BENCH_RUN"), "BENCH_RUN is not set")
local path = os.getenv("BENCH_PATH") or "/callback"
local sha512 = crypto.EVP_sha512()
local mac = ffi.new("unsigned char[64]")
local maclen = ffi.new("unsigned int[1]")
local b64 = ffi.new("unsigned char[96]")
local data64 = ffi.new("unsigned char[1024]")

local function sign(body)
  crypto.HMAC(sha512, key, #key, body, #body, mac, maclen)
  return ffi.string(b64, crypto.EVP_EncodeBlock(b64, mac, 64))
end

local function base64(data) -- standard alphabet, padded, no line breaks; data under 760 bytes
  return ffi.string(data64, crypto.EVP_EncodeBlock(data64, data, #data))
end

local probe_body, probe_sig = os.getenv("BENCH_PROBE_BODY"), os.getenv("BENCH_PROBE_SIG")
if rbm then
  local probe_data = os.getenv("BENCH_PROBE_DATA")
  if probe_data and probe_sig and sign(probe_data) ~= probe_sig then
    error("the FFI signature differs from openssl's: check libcrypto")
  end
  if probe_data and probe_body and not string.find(probe_body, '"' .. base64(probe_data) .. '"', 1, true) then
    error("the FFI base64 differs from openssl's: check libcrypto")
  end
elseif probe_body and probe_sig and sign(probe_body) ~= probe_sig then
  error("the FFI signature differs from openssl's: check libcrypto")
end

local template = '{"agent":"brands/bench/agents/bench","conversationId":"c-%s-%d",'
  .. '"customAgentId":"bench","requestId":"r-%s-%d-%d","receipts":{"receipts":['
  .. '{"message":"conversations/c-%s-%d/messages/m-%d-0","receiptType":"DELIVERED"},'
  .. '{"message":"conversations/c-%s-%d/messages/m-%d-1","receiptType":"READ"},'
  .. '{"message":"conversations/c-%s-%d/messages/m-%d-2","receiptType":"DELIVERED"}],'
  .. '"createTime":"2024-05-14T09:21:07.123456Z"},"sendTime":"2024-05-14T09:21:07.654321Z"}'

-- the RBM push: the user event (Fixtures.rbmUserEvent's shape) and its envelope (Fixtures.rbmEnvelope's)
local rbm_data = '{"senderPhoneNumber":"+1650555%04d","eventType":"%s","eventId":"e-%s-%d-%d",'
  .. '"messageId":"m-%s-%d-%d","sendTime":"2024-05-14T09:21:07.123456Z","agentId":"bench@rbm.goog"}'
local rbm_envelope = '{"message":{"attributes":{"product":"RBM"},"data":"%s",'
  .. '"messageId":"14150481888479752","message_id":"14150481888479752",'
  .. '"publishTime":"2024-05-14T09:21:07.654321Z","publish_time":"2024-05-14T09:21:07.654321Z"},'
  .. '"subscription":"projects/bench/subscriptions/rbm"}'

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local counter = 0

if os.getenv("BENCH_STATIC") == "1" then
  wrk.method = "POST"
  wrk.path = path
  wrk.body = assert(probe_body, "BENCH_STATIC=1 needs BENCH_PROBE_BODY")
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Goog-Signature"] = assert(probe_sig, "BENCH_STATIC=1 needs BENCH_PROBE_SIG")
elseif rbm then
  function request()
    counter = counter + 1
    local t = id
    local message = math.floor((counter + 1) / 2)
    local data = string.format(rbm_data, (t * 1000 + message) % 10000,
      counter % 2 == 1 and "DELIVERED" or "READ", run, t, counter, run, t, message)
    return wrk.format("POST", path,
      { ["Content-Type"] = "application/json", ["X-Goog-Signature"] = sign(data) },
      string.format(rbm_envelope, base64(data)))
  end
else
  function request()
    counter = counter + 1
    local t = id
    local body = string.format(template, run, t, run, t, counter, run, t, counter, run, t, counter,
      run, t, counter)
    return wrk.format("POST", path,
      { ["Content-Type"] = "application/json", ["X-Goog-Signature"] = sign(body) }, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d "
      .. "connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
