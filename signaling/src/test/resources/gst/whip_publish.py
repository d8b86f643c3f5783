#!/usr/bin/python3
"""A WHIP publisher made of GStreamer's webrtcbin (RFC 9725): a moving test picture (VP8) and a
tone (Opus), offered with bundle-policy max-bundle, POSTed to a WHIP endpoint with a Bearer token.

Used by the interop tests (io.stagecast.signaling.e2e.GstWhipPublisher). Prints one line per event
on stdout ("offer", "answer 201 <location>", "ice-connection-state connected", "stats ...") so the
test can follow it, and "error ..." before a non-zero exit. Runs until killed or --seconds pass; on
SIGTERM/SIGINT it DELETEs its WHIP resource. Needs python3-gi with Gst, GstWebRTC and GstSdp 1.0.

--offer-only prints the offer as JSON ({"sdp": ...}) once ICE gathering is complete and exits:
that is how signaling/src/test/resources/sdp/gstreamer-whip-offer.sdp was captured.
"""
import argparse
import ctypes
import json
import signal
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

# Never go through a proxy: every request of a test stays on this machine.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def keep(obj):
    """Takes one more reference on a GObject that PyGObject got from an object property.

    PyGObject 3.42 drops one reference too many on webrtcbin's "ice-agent" (a GstObject that is
    still floating) and on its NiceAgent: without this webrtcbin crashes when it adds its first
    ICE stream. The extra reference lives as long as the process."""
    gobject = ctypes.CDLL("libgobject-2.0.so.0")
    gobject.g_object_ref.argtypes = [ctypes.c_void_p]
    gobject.g_object_ref.restype = ctypes.c_void_p
    pointer = ctypes.pythonapi.PyCapsule_GetPointer
    pointer.restype = ctypes.c_void_p
    pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    gobject.g_object_ref(pointer(obj.__gpointer__, None))
    return obj


def say(*parts):
    print(*parts, flush=True)


class Publisher:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.location = None
        self.offer_sent = False
        video = (
            f"videotestsrc is-live=true {args.pattern} ! "
            f"video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 ! "
            "videoconvert ! queue max-size-buffers=2 leaky=downstream ! "
            f"vp8enc deadline=1 cpu-used=8 threads=2 end-usage=cbr target-bitrate={args.bitrate} "
            f"keyframe-max-dist={args.fps * 2} error-resilient=partitions ! "
            "rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ! "
            "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! webrtc."
        )
        audio = (
            "audiotestsrc is-live=true wave=sine freq=440 volume=0.2 ! audioconvert ! audioresample ! "
            "audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=64000 ! rtpopuspay pt=111 ! "
            "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! webrtc."
        )
        self.pipeline = Gst.parse_launch(
            "webrtcbin name=webrtc bundle-policy=max-bundle latency=100 " + video + " " + audio
        )
        self.webrtc = self.pipeline.get_by_name("webrtc")
        # libnice would otherwise multicast UPnP (SSDP) discovery to the network.
        agent = keep(self.webrtc.get_property("ice-agent"))
        keep(agent.get_property("agent")).set_property("upnp", False)
        self.webrtc.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.webrtc.connect("notify::ice-gathering-state", self.on_gathering)
        self.webrtc.connect("notify::ice-connection-state", self.on_ice_state)
        self.webrtc.connect("notify::connection-state", self.on_connection_state)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def run(self):
        self.pipeline.set_state(Gst.State.PLAYING)
        for i in range(8):
            transceiver = self.webrtc.emit("get-transceiver", i)
            if transceiver is None:
                break
            transceiver.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
            if self.args.nack and i == 0:
                # The video transceiver answers NACKs (RFC 4585) with retransmissions (RFC 4588 RTX
                # where negotiated), as an integrator on a lossy network would set it up; without it
                # a lost packet is repaired only by the keyframe the node asks for.
                transceiver.set_property("do-nack", True)
        if self.args.seconds > 0:
            GLib.timeout_add_seconds(self.args.seconds, self.stop)
        GLib.timeout_add_seconds(1, self.print_stats)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, self.stop)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, self.stop)
        self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)

    def stop(self, *_):
        if self.location and not self.args.offer_only:
            try:
                request = urllib.request.Request(self.absolute(self.location), method="DELETE",
                                                 headers={"Authorization": "Bearer " + self.args.token})
                with HTTP.open(request, timeout=5) as response:
                    say("deleted", response.status)
            except (urllib.error.URLError, OSError) as e:
                say("delete failed", e)
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def absolute(self, location):
        return urllib.parse.urljoin(self.args.url, location)

    def on_error(self, _bus, message):
        error, debug = message.parse_error()
        say("error pipeline", error.message, debug)
        self.fail()

    def fail(self):
        self.loop.quit()
        self.pipeline.set_state(Gst.State.NULL)
        sys.exit(2)

    def on_negotiation_needed(self, element):
        if self.offer_sent:
            return
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, element, None)
        element.emit("create-offer", None, promise)

    def on_offer_created(self, promise, element, _):
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value("offer")
        if offer is None:
            say("error create-offer", reply.to_string())
            GLib.idle_add(self.fail)
            return
        self.offer_sent = True
        element.emit("set-local-description", offer, Gst.Promise.new())

    def on_gathering(self, element, _pspec):
        # WHIP without trickle: the offer goes out with every candidate (RFC 9725 4.1).
        if element.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            return
        GLib.idle_add(self.post_offer)

    def post_offer(self):
        sdp = self.webrtc.get_property("local-description").sdp.as_text()
        if self.args.offer_only:
            say(json.dumps({"sdp": sdp}))
            self.loop.quit()
            return GLib.SOURCE_REMOVE
        say("offer", json.dumps(sdp))
        request = urllib.request.Request(self.args.url, data=sdp.encode(), method="POST", headers={
            "Content-Type": "application/sdp", "Authorization": "Bearer " + self.args.token})
        try:
            with HTTP.open(request, timeout=10) as response:
                status, body = response.status, response.read().decode()
                self.location = response.headers.get("Location")
        except urllib.error.HTTPError as e:
            say("error whip", e.code, json.dumps(e.read().decode()))
            self.fail()
            return GLib.SOURCE_REMOVE
        except (urllib.error.URLError, OSError) as e:
            say("error whip", e)
            self.fail()
            return GLib.SOURCE_REMOVE
        say("answer", status, self.location, json.dumps(body))
        ok, message = GstSdp.SDPMessage.new_from_text(body)
        if ok != GstSdp.SDPResult.OK:
            say("error answer does not parse")
            self.fail()
            return GLib.SOURCE_REMOVE
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
        promise = Gst.Promise.new_with_change_func(self.on_answer_set, None, None)
        self.webrtc.emit("set-remote-description", answer, promise)
        return GLib.SOURCE_REMOVE

    def on_answer_set(self, promise, *_):
        promise.wait()
        reply = promise.get_reply()
        error = reply.get_value("error") if reply is not None and reply.has_field("error") else None
        if error is not None:
            say("error set-remote-description", error.message)
            GLib.idle_add(self.fail)
            return
        say("answer-applied")

    def on_ice_state(self, element, _pspec):
        say("ice-connection-state", element.get_property("ice-connection-state").value_nick)

    def on_connection_state(self, element, _pspec):
        state = element.get_property("connection-state").value_nick
        say("connection-state", state)
        if state == "failed":
            GLib.idle_add(self.fail)

    def print_stats(self):
        promise = Gst.Promise.new_with_change_func(self.on_stats, None, None)
        self.webrtc.emit("get-stats", None, promise)
        return GLib.SOURCE_CONTINUE

    def on_stats(self, promise, *_):
        promise.wait()
        reply = promise.get_reply()
        if reply is None:
            return
        sent = {"packets": 0, "bytes": 0}

        def collect(_field, value, _):
            # Each stats entry is a structure named after its type (RTCStatsType), e.g. "outbound-rtp".
            if isinstance(value, Gst.Structure) and value.get_name() == "outbound-rtp":
                for key, total in (("packets-sent", "packets"), ("bytes-sent", "bytes")):
                    if value.has_field(key):
                        sent[total] += value.get_value(key)
            return True

        reply.foreach(collect, None)
        say("stats", json.dumps(sent))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1/whip/room")
    parser.add_argument("--token", default="")
    parser.add_argument("--seconds", type=int, default=0, help="stop after this long (0: until killed)")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--bitrate", type=int, default=1_500_000, help="VP8 target bitrate, bit/s")
    # Moving colour bars: vp8enc reaches ~1.4 Mbit/s on them, where pattern=ball (a white ball on
    # black) stays at ~110 kbit/s whatever the target, too little for a viewer's bitrate to mean much.
    parser.add_argument("--pattern", default="pattern=smpte horizontal-speed=4",
                        help="videotestsrc properties")
    parser.add_argument("--offer-only", action="store_true")
    parser.add_argument("--nack", action="store_true", help="the video transceiver answers NACKs (do-nack)")
    args = parser.parse_args()
    Gst.init(None)
    Publisher(args).run()


if __name__ == "__main__":
    main()
