package io.stagecast.signaling.stage;

import java.util.List;

/**
 * The answer to every action on a {@link StageRoom}: either refused (and then nothing in the room
 * changed) or done, with the events the caller must deliver, in order.
 */
public sealed interface Outcome {

    boolean ok();

    /** The events to deliver, in order; empty for a refusal and for a success that changed nothing. */
    List<Delivery> deliveries();

    record Done(List<Delivery> deliveries) implements Outcome {
        public Done {
            deliveries = List.copyOf(deliveries);
        }

        @Override
        public boolean ok() {
            return true;
        }
    }

    /**
     * @param cap the room's bound this refusal hit ({@code participants}, {@code stage}, {@code polls},
     *            {@code questions}), counted by the caller in {@code stagecast_caps_refused_total}; null
     *            when the request was refused for any other reason
     */
    record Refused(RefusalCode code, String message, String cap) implements Outcome {
        public Refused(RefusalCode code, String message) {
            this(code, message, null);
        }

        @Override
        public boolean ok() {
            return false;
        }

        @Override
        public List<Delivery> deliveries() {
            return List.of();
        }
    }
}
