package dev.igme.link.click;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.link.redirect.ClickEvent;
import dev.igme.platform.BatchRetry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Consumes {@code instagram.link.clicks} on the normalizer role and stores the clicks, offsets
 * committed after the rows (a redelivered click changes nothing). A record that is not a click
 * event is logged and skipped: it cannot become one by retrying.
 */
@ApplicationScoped
public class ClickConsumer {

    public static final String CHANNEL = "link-clicks-in";

    private final ClickStore store;
    private final ObjectMapper mapper;

    public ClickConsumer(ClickStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(List<String> batch) {
        List<ClickEvent> clicks = new ArrayList<>(batch.size());
        for (String json : batch) {
            try {
                ClickEvent click = mapper.readValue(json, ClickEvent.class);
                if (click.clickId() == null || click.linkId() == null || click.at() == null || click.device() == null) {
                    throw new IllegalArgumentException("clickId, linkId, at and device are required");
                }
                clicks.add(click);
            } catch (Exception e) {
                Log.errorf("Skipping a record on instagram.link.clicks that is not a click event: %s", e.getMessage());
            }
        }
        return BatchRetry.untilDone(() -> store.insertAll(clicks), "Batch of " + clicks.size() + " clicks");
    }
}
