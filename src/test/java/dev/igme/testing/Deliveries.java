package dev.igme.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Builds webhook deliveries with ids unique to one test, so assertions never see another test's data. */
public final class Deliveries {

    public static final String ACCOUNT = "17841400000000001";

    private Deliveries() {
    }

    /** A fresh numeric IGSID. */
    public static String newUser() {
        return Long.toString(6_300_000_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000_000L));
    }

    public static byte[] existingThreadReferral(String user, long timestampMillis, String ref) {
        return envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT + "\"},\"timestamp\":"
                + timestampMillis + ",\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}");
    }

    /** Scenario 1: a new thread, the user tapped an ice breaker of a link carrying {@code ref}. */
    public static byte[] icebreakerTap(String user, long timestampMillis, String mid, String ref) {
        return envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT + "\"},\"timestamp\":"
                + timestampMillis + ",\"postback\":{\"mid\":\"" + mid + "\",\"title\":\"Your coupon?\",\"payload\":\"COUPON\","
                + "\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}}");
    }

    /** Scenario 2: a new thread, the user typed a message instead. */
    public static byte[] typedMessageReferral(String user, long timestampMillis, String mid, String ref) {
        return envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT + "\"},\"timestamp\":"
                + timestampMillis + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"hi\","
                + "\"referral\":{\"ref\":\"" + ref + "\",\"source\":\"SHORTLINK\",\"type\":\"OPEN_THREAD\"}}}");
    }

    public static byte[] message(String user, long timestampMillis, String mid, String text) {
        return envelope("{\"sender\":{\"id\":\"" + user + "\"},\"recipient\":{\"id\":\"" + ACCOUNT + "\"},\"timestamp\":"
                + timestampMillis + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text + "\"}}");
    }

    public static byte[] echo(String user, long timestampMillis, String mid) {
        return envelope("{\"sender\":{\"id\":\"" + ACCOUNT + "\"},\"recipient\":{\"id\":\"" + user + "\"},\"timestamp\":"
                + timestampMillis + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"Thanks!\",\"is_echo\":true}}");
    }

    public static byte[] envelope(String... items) {
        return ("{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + ACCOUNT + "\",\"time\":1767225600500,\"messaging\":["
                + String.join(",", items) + "]}]}").getBytes(StandardCharsets.UTF_8);
    }
}
