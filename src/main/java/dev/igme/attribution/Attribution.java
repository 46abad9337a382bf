package dev.igme.attribution;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored attribution (table {@code attribution}, written by {@link AttributionStore}). Read-only here. */
@Entity
@Table(name = "attribution")
public class Attribution {

    @Id
    @Column(name = "attribution_id")
    public String attributionId;
    @Column(name = "ig_account_id")
    public String igAccountId;
    public String igsid;
    public String scenario;
    @Column(name = "new_thread")
    public boolean newThread;
    public String ref;
    @Column(name = "ref_valid")
    public boolean refValid;
    public String source;
    @Column(name = "source_category")
    public String sourceCategory;
    public String type;
    @Column(name = "message_id")
    public String messageId;
    @Column(name = "postback_title")
    public String postbackTitle;
    @Column(name = "postback_payload")
    public String postbackPayload;
    @Column(name = "ad_id")
    public String adId;
    @Column(name = "ads_context")
    public String adsContext;
    @Column(name = "product_id")
    public String productId;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "received_at")
    public Instant receivedAt;
    @Column(name = "delivery_id")
    public String deliveryId;
    public boolean standby;
    public boolean test;
}
