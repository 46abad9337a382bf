package dev.igme.platform;

/**
 * A value kept in memory and loaded again from time to time by overlapping loads (a periodic
 * refresh, and a refresh right after a change): the value of the load that started last wins,
 * whichever finishes last. Without this, a refresh that read the database just before a change
 * committed could finish after the one that read it just after, and put the old value back until
 * the next refresh.
 */
public final class NewestLoad<T> {

    private long started;
    private long installed;
    private T value;

    public NewestLoad(T initial) {
        this.value = initial;
    }

    /** Call when a load starts (before it reads); pass the ticket to {@link #offer}. */
    public synchronized long begin() {
        return ++started;
    }

    /** Keeps {@code loaded} unless a load that started later has already been kept; true if kept. */
    public synchronized boolean offer(long ticket, T loaded) {
        if (ticket <= installed) {
            return false;
        }
        installed = ticket;
        value = loaded;
        return true;
    }

    /** Whether any load has been kept yet (else {@link #get()} is the initial value). */
    public synchronized boolean loaded() {
        return installed > 0;
    }

    public synchronized T get() {
        return value;
    }
}
