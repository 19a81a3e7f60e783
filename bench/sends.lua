-- wrk script: acknowledged sendMessage/s. Every request is a new message with its own
-- idempotency key, spread round-robin over the senders in PARLEY_SENDERS
-- ("token:conversation,token:conversation,..."). A reply that is not a Message counts as
-- a failed send (written in the JSON line), so a rate limit or an error never passes as a send.
local mutation = "mutation Send($input: SendMessageInput!) { sendMessage(input: $input) "
  .. "{ __typename ... on Message { id } ... on Error { code } } }"

local threads = {}
counter = 0
failed = 0
local senders = {}
local run = os.getenv("PARLEY_RUN") or tostring(os.time())

for pair in string.gmatch(os.getenv("PARLEY_SENDERS"), "[^,]+") do
  local token, conversation = pair:match("([^:]+):(%d+)")
  senders[#senders + 1] = { token = token, conversation = conversation }
end

function setup(thread)
  thread:set("thread_id", #threads + 1)
  threads[#threads + 1] = thread
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local sender = senders[(counter + thread_id) % #senders + 1]
  local key = run .. "-" .. thread_id .. "-" .. counter
  local body = '{"query":"' .. mutation .. '","variables":{"input":{"conversationId":"'
    .. sender.conversation .. '","body":"bench send ' .. key .. '","idempotencyKey":"'
    .. key .. '"}}}'
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. sender.token }
  return wrk.format(nil, nil, headers, body)
end

response = function(status, headers, body)
  if status ~= 200 or not body:find('"__typename":"Message"', 1, true) then
    failed = failed + 1
  end
end

done = function(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
  end
  local ok = summary.requests - failures
  io.write(string.format(
    "JSON {\"requests\":%d,\"failed\":%d,\"duration_us\":%d,\"sends_per_s\":%.1f,"
      .. "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"errors\":%d}\n",
    summary.requests, failures, summary.duration, ok / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
