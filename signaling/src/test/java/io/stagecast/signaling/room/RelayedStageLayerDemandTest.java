package io.stagecast.signaling.room;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When an edge's viewers come to need a layer the relay does not carry, the edge polls at once. */
class RelayedStageLayerDemandTest {
    @Test
    void aLayerNeededNowThatWasNotAsksAtOnceAndALayerNoLongerNeededWaits() {
        assertTrue(RelayedStage.gainsALayer(List.of(true, false, false), List.of(true, true, false)), "a viewer upgrades");
        assertTrue(RelayedStage.gainsALayer(List.of(true), List.of(true, true)), "a stream not known before");
        assertFalse(RelayedStage.gainsALayer(List.of(true, true, true), List.of(true, false, false)), "a downgrade waits");
        assertFalse(RelayedStage.gainsALayer(List.of(true, true), List.of(true, true)), "no change");
        assertFalse(RelayedStage.gainsALayer(null, List.of(true, true, true)), "the first demand: every layer was relayed");
        assertFalse(RelayedStage.gainsALayer(List.of(true, false), List.of(true)), "fewer streams");
    }
}
