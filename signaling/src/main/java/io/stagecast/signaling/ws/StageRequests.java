package io.stagecast.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.stage.AccessMode;
import io.stagecast.signaling.stage.Outcome;
import io.stagecast.signaling.stage.SettingsChange;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.stage.TrackKind;
import io.stagecast.signaling.token.Role;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The stage requests of the WebSocket protocol (docs/protocol.md, "Stage"), each mapped to one
 * {@link StageRoom} call with its arguments read and checked here. Reading stops at the first bad
 * argument with {@code bad_request}; the room is only called with well-formed arguments.
 */
public final class StageRequests {
    private StageRequests() {
    }

    /** Whether {@code type} is one of ours. */
    public static boolean handles(String type) {
        int dot = type.indexOf('.');
        if (dot < 0) {
            return false;
        }
        return switch (type.substring(0, dot)) {
            case "session", "room", "stage", "media", "participant", "hand", "chat", "reaction", "poll", "qa", "backchannel" -> true;
            default -> false;
        };
    }

    /** Types that would put the actor on stage: refused for view-only tokens before the room sees them. */
    public static boolean leadsToStage(String type) {
        return type.equals("stage.join") || type.equals("stage.request") || type.equals("stage.accept");
    }

    public static Outcome dispatch(StageRoom room, String actor, String type, JsonNode r) throws SignalingException {
        return switch (type) {
            case "session.start" -> room.start(actor);
            case "session.end" -> room.end(actor);
            case "room.leave" -> room.leave(actor);
            case "room.settings" -> room.changeSettings(actor, settings(r));
            case "stage.join" -> room.joinStage(actor);
            case "stage.leave" -> room.leaveStage(actor);
            case "stage.remove" -> room.removeFromStage(actor, participant(r));
            case "stage.request" -> room.requestStage(actor);
            case "stage.cancelRequest" -> room.cancelStageRequest(actor);
            case "stage.approve" -> room.approveStageRequest(actor, participant(r));
            case "stage.decline" -> room.declineStageRequest(actor, participant(r));
            case "stage.invite" -> room.inviteToStage(actor, participant(r));
            case "stage.revokeInvitation" -> room.revokeInvitation(actor, participant(r));
            case "stage.accept" -> room.acceptInvitation(actor);
            case "stage.declineInvitation" -> room.declineInvitation(actor);
            case "stage.spotlight" -> room.spotlight(actor, optionalText(r, "participantId"));
            case "media.microphone" -> room.setMicrophone(actor, bool(r, "on"));
            case "media.camera" -> room.setCamera(actor, bool(r, "on"));
            case "media.screenShare" -> room.setScreenShare(actor, bool(r, "on"));
            case "media.forceOff" -> room.forceOff(actor, participant(r), kind(r));
            case "media.forceOffAll" -> room.forceOffAll(actor, kind(r));
            case "media.allow" -> room.allowTrack(actor, participant(r), kind(r));
            case "participant.role" -> room.setRole(actor, participant(r), role(r));
            case "hand.raise" -> room.raiseHand(actor);
            case "hand.lower" -> room.lowerHand(actor, r.hasNonNull("participantId") ? participant(r) : actor);
            case "hand.lowerAll" -> room.lowerAllHands(actor);
            case "chat.send" -> room.sendChat(actor, text(r, "text"), optionalText(r, "replyTo"));
            case "chat.like" -> room.likeChat(actor, text(r, "messageId"), bool(r, "like"));
            case "chat.delete" -> room.deleteChat(actor, text(r, "messageId"));
            case "chat.pin" -> room.pinChat(actor, optionalText(r, "messageId"));
            case "chat.clear" -> room.clearChat(actor);
            case "chat.block" -> room.blockChat(actor, participant(r), bool(r, "blocked"));
            case "reaction.send" -> room.react(actor, text(r, "emoji"));
            case "poll.create" -> room.createPoll(actor, text(r, "question"), strings(r, "options"), indexes(r, "correctOptions"));
            case "poll.open" -> room.openPoll(actor, text(r, "pollId"));
            case "poll.answer" -> room.answerPoll(actor, text(r, "pollId"), integer(r, "option"));
            case "poll.close" -> room.closePoll(actor, text(r, "pollId"));
            case "qa.ask" -> room.askQuestion(actor, text(r, "text"));
            case "qa.upvote" -> room.upvoteQuestion(actor, text(r, "questionId"), bool(r, "upvote"));
            case "qa.answer" -> room.answerQuestion(actor, text(r, "questionId"), text(r, "text"));
            case "qa.markAnswered" -> room.markQuestionAnswered(actor, text(r, "questionId"), bool(r, "answered"));
            case "qa.dismiss" -> room.dismissQuestion(actor, text(r, "questionId"));
            case "qa.pin" -> room.pinQuestion(actor, optionalText(r, "questionId"));
            case "backchannel.send" -> room.sendBackchannel(actor, text(r, "text"));
            case "backchannel.delete" -> room.deleteBackchannel(actor, text(r, "messageId"));
            default -> throw SignalingException.badRequest("unknown request type '" + type + "'");
        };
    }

    private static SettingsChange settings(JsonNode r) throws SignalingException {
        SettingsChange change = SettingsChange.NONE;
        if (r.has("accessMode")) {
            try {
                change = change.withAccessMode(AccessMode.fromWire(text(r, "accessMode")));
            } catch (IllegalArgumentException e) {
                throw SignalingException.badRequest("accessMode must be open, request, invite or closed");
            }
        }
        if (r.has("capacity")) {
            change = change.withCapacity(integer(r, "capacity"));
        }
        if (r.has("chatEnabled")) {
            change = change.withChatEnabled(bool(r, "chatEnabled"));
        }
        if (r.has("reactionsEnabled")) {
            change = change.withReactionsEnabled(bool(r, "reactionsEnabled"));
        }
        if (r.has("pollsEnabled")) {
            change = change.withPollsEnabled(bool(r, "pollsEnabled"));
        }
        if (r.has("qaEnabled")) {
            change = change.withQaEnabled(bool(r, "qaEnabled"));
        }
        if (r.has("strongMute")) {
            change = change.withStrongMute(bool(r, "strongMute"));
        }
        if (r.has("locked")) {
            change = change.withLocked(bool(r, "locked"));
        }
        if (r.has("lastN")) {
            change = change.withLastN(integer(r, "lastN"));
        }
        return change;
    }

    private static String participant(JsonNode r) throws SignalingException {
        return text(r, "participantId");
    }

    private static TrackKind kind(JsonNode r) throws SignalingException {
        return switch (text(r, "kind")) {
            case "microphone" -> TrackKind.MICROPHONE;
            case "camera" -> TrackKind.CAMERA;
            case "screen" -> TrackKind.SCREEN;
            default -> throw SignalingException.badRequest("kind must be microphone or camera");
        };
    }

    private static Role role(JsonNode r) throws SignalingException {
        try {
            return Role.fromWire(text(r, "role"));
        } catch (IllegalArgumentException e) {
            throw SignalingException.badRequest("role must be moderator, speaker or attendee");
        }
    }

    static String text(JsonNode r, String field) throws SignalingException {
        JsonNode value = r.get(field);
        if (value == null || !value.isTextual()) {
            throw SignalingException.badRequest("'" + field + "' (a string) is required");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode r, String field) throws SignalingException {
        JsonNode value = r.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw SignalingException.badRequest("'" + field + "' must be a string or null");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode r, String field) throws SignalingException {
        JsonNode value = r.get(field);
        if (value == null || !value.isBoolean()) {
            throw SignalingException.badRequest("'" + field + "' (true or false) is required");
        }
        return value.asBoolean();
    }

    private static int integer(JsonNode r, String field) throws SignalingException {
        JsonNode value = r.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw SignalingException.badRequest("'" + field + "' (a whole number) is required");
        }
        return value.asInt();
    }

    private static List<String> strings(JsonNode r, String field) throws SignalingException {
        JsonNode value = r.get(field);
        if (value == null || !value.isArray() || value.size() > 100) {
            throw SignalingException.badRequest("'" + field + "' (a list of strings) is required");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw SignalingException.badRequest("'" + field + "' must hold strings only");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Set<Integer> indexes(JsonNode r, String field) throws SignalingException {
        JsonNode value = r.get(field);
        Set<Integer> out = new LinkedHashSet<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isArray() || value.size() > 100) {
            throw SignalingException.badRequest("'" + field + "' must be a list of option indexes");
        }
        for (JsonNode item : value) {
            if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                throw SignalingException.badRequest("'" + field + "' must hold whole numbers only");
            }
            out.add(item.asInt());
        }
        return out;
    }
}
