package dev.igme.platform;

import org.jboss.logging.MDC;

/**
 * The ids a log line is about, in the MDC ({@code %X{deliveryId}}, {@code %X{attributionId}} in
 * {@code quarkus.log.console.format}, members of every JSON log line), so that one delivery can be
 * followed through the ingress's, the normalizer's and the replier's logs. The consumers and the
 * dispatcher handle many deliveries on one thread: they set the ids around each line and put back
 * what was there, so no id outlives its line.
 */
public final class LogContext {

    /** The id the ingress gave the delivery ({@code igme-delivery-id} on the raw topic). */
    public static final String DELIVERY_ID = "deliveryId";
    /** The attribution's id (an attribution event's {@code attributionId}). */
    public static final String ATTRIBUTION_ID = "attributionId";

    private LogContext() {
    }

    /** Runs {@code log} with these ids in the MDC (a null id: none), then restores the previous values. */
    public static void with(String deliveryId, String attributionId, Runnable log) {
        Object previousDelivery = MDC.get(DELIVERY_ID);
        Object previousAttribution = MDC.get(ATTRIBUTION_ID);
        set(DELIVERY_ID, deliveryId);
        set(ATTRIBUTION_ID, attributionId);
        try {
            log.run();
        } finally {
            set(DELIVERY_ID, previousDelivery);
            set(ATTRIBUTION_ID, previousAttribution);
        }
    }

    private static void set(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
