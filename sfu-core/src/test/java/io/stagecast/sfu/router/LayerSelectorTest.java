package io.stagecast.sfu.router;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerSelectorTest {
    @Test
    void temporalGoesDownAtTheNextFrameAndUpOnlyAtTl0OrLayerSync() {
        LayerSelector layers = new LayerSelector(true);
        layers.setTarget(0);
        layers.setCurrent(0);
        assertTrue(layers.forwardsTemporal(2, true, false), "all layers to begin with");
        layers.setTargetTemporal(0);
        assertTrue(layers.forwardsTemporal(2, false, false), "the frame under way is not cut");
        assertFalse(layers.forwardsTemporal(1, true, false), "down at the next frame");
        assertTrue(layers.forwardsTemporal(0, true, false));
        layers.setTargetTemporal(2);
        assertFalse(layers.forwardsTemporal(2, true, false), "not up at a frame that may reference a dropped one");
        assertTrue(layers.forwardsTemporal(1, true, true), "a TL1 layer-sync frame takes one step up");
        assertEquals(1, layers.currentTemporal());
        assertFalse(layers.forwardsTemporal(2, true, false));
        assertTrue(layers.forwardsTemporal(0, true, false), "a TL0 frame: every layer from here on");
        assertTrue(layers.forwardsTemporal(2, true, false));
        assertEquals(2, layers.currentTemporal());
    }
}
