-- wrk script: POST the feed page (newest 20 items of one conversation) with a bearer token.
-- Environment: PARLEY_TOKEN (a participant's token), PARLEY_CONVERSATION (its id).
local query = [[
query Feed($id: ID!) {
  feed(conversationId: $id, filter: ALL, last: 20) {
    edges { cursor node {
      __typename
      ... on Message { id body createdAt readAt isMine sender { name } order { title } }
      ... on OrderEvent { id orderEventType status previousStatus createdAt order { title } }
    } }
    pageInfo { hasPreviousPage startCursor }
  }
}]]

local function json_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("PARLEY_TOKEN")
wrk.body = '{"query":' .. json_string(query) .. ',"variables":{"id":"'
  .. os.getenv("PARLEY_CONVERSATION") .. '"}}'

done = function(summary, latency, requests)
  io.write(string.format(
    "JSON {\"requests\":%d,\"duration_us\":%d,\"rps\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
      .. "\"max_ms\":%.2f,\"errors\":%d,\"non2xx\":%d}\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
