-- Additive (old pods keep working: they neither write nor read these columns).
-- delivery_id: the delivery the reply answers, so the dispatcher's log lines carry it (MDC).
-- trace_parent: the W3C traceparent of the replier's decision when tracing is on, so the Send API
-- call joins the delivery's trace; null when tracing is off or the reply is final at once.
ALTER TABLE reply ADD COLUMN delivery_id text;
ALTER TABLE reply ADD COLUMN trace_parent text;
