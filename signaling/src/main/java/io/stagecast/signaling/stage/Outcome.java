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

    record Refused(RefusalCode code, String message) implements Outcome {
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
