package dev.igme.reply.outbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the reply outbox, read-only here (written by {@link ReplyOutbox}). */
@Entity
@Table(name = "reply")
public class Reply {

    @Id
    public Long id;
    @Column(name = "attribution_id")
    public String attributionId;
    @Column(name = "ig_account_id")
    public String igAccountId;
    public String igsid;
    public String ref;
    public String scenario;
    @Column(name = "rule_id")
    public Long ruleId;
    @Column(name = "rule_name")
    public String ruleName;
    public String status;
    public String text;
    public int attempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "window_expires_at")
    public Instant windowExpiresAt;
    @Column(name = "coupon_code")
    public String couponCode;
    @Column(name = "message_id")
    public String messageId;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "sent_at")
    public Instant sentAt;
}
