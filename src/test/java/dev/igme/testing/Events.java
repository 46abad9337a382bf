package dev.igme.testing;

import java.time.Instant;

import dev.igme.attribution.AttributionEvent;
import dev.igme.attribution.Scenario;
import dev.igme.attribution.SourceCategory;

/** Attribution events built in memory, for unit tests of what consumes them. */
public final class Events {

    private Events() {
    }

    /** An existing-thread shortlink referral of user {@code user} on account {@code acc}, a minute before {@code now}. */
    public static AttributionEvent referral(String ref, boolean standby, boolean test, Instant now) {
        return new AttributionEvent(AttributionEvent.SCHEMA_VERSION, "id-1", Scenario.EXISTING_THREAD_REFERRAL, false,
                "acc", "user", ref, true, "SHORTLINK", SourceCategory.SHORTLINK, "OPEN_THREAD", null, null, null, null,
                null, null, now.minusSeconds(60), now, "d", standby, test, null, null, null, null, null, null);
    }
}
