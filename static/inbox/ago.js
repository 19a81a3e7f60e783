// "sent 3 min ago" and "read 10 s ago": how long ago an instant was, in words.

export function ago(isoTime, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(isoTime)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A message's receipt: always "sent … ago", then "read … ago" once the counterpart read it. */
export function receiptText(message, now = Date.now()) {
  const sent = `sent ${ago(message.createdAt, now)}`;
  return message.readAt ? `${sent} · read ${ago(message.readAt, now)}` : sent;
}
