package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.ParticipantChanged;

import java.util.ArrayList;
import java.util.List;

/** The events one action produced, in order, each with its audience. */
final class Events {
    private final List<Delivery> deliveries = new ArrayList<>();

    void everyone(StageEvent event) {
        deliveries.add(new Delivery(Audience.EVERYONE, event));
    }

    void moderators(StageEvent event) {
        deliveries.add(new Delivery(Audience.MODERATORS, event));
    }

    void backstage(StageEvent event) {
        deliveries.add(new Delivery(Audience.BACKSTAGE, event));
    }

    void to(String participantId, StageEvent event) {
        deliveries.add(new Delivery(Audience.only(participantId), event));
    }

    void media(StageEvent event) {
        deliveries.add(new Delivery(Audience.MEDIA_PLANE, event));
    }

    /** The participant's row changed: everyone gets it whole. */
    void changed(Member m) {
        everyone(new ParticipantChanged(m.state()));
    }

    boolean isEmpty() {
        return deliveries.isEmpty();
    }

    List<Delivery> list() {
        return deliveries;
    }
}
