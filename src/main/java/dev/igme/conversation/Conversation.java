package dev.igme.conversation;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A conversation's clocks (table {@code conversation}, written by the normalizer). */
@Entity
@Table(name = "conversation")
@IdClass(Conversation.Key.class)
public class Conversation {

    @Id
    @Column(name = "ig_account_id")
    public String igAccountId;
    @Id
    public String igsid;
    @Column(name = "last_inbound_at")
    public Instant lastInboundAt;
    @Column(name = "last_business_message_at")
    public Instant lastBusinessMessageAt;

    public MessagingWindow window() {
        return MessagingWindow.after(lastInboundAt);
    }

    /** Composite key: the account and the user. */
    public static class Key implements Serializable {
        public String igAccountId;
        public String igsid;

        public Key() {
        }

        public Key(String igAccountId, String igsid) {
            this.igAccountId = igAccountId;
            this.igsid = igsid;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(igAccountId, k.igAccountId) && Objects.equals(igsid, k.igsid);
        }

        @Override
        public int hashCode() {
            return Objects.hash(igAccountId, igsid);
        }
    }
}
