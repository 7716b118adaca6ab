// StreamChat's camera capture and live playback: the only browser APIs that
// Reflex cannot reach from Python (getUserMedia, MediaRecorder, Media Source
// Extensions). Reflex calls it through rx.call_script with a queue, because
// an event may run before this file has loaded:
//   (window.StreamChatLivePending ||= []).push(["goLive", ["My title"]]);
//   window.StreamChatLive && window.StreamChatLive.flush();
// Entry points: startPreview(videoId), closePreview(), goLive(title),
// stopLive(), watch(videoId). Protocol: /ws/stream, described in API.md.
(function () {
  "use strict";

  const MIME = 'video/webm; codecs="vp8,opus"';
  const TIMESLICE_MS = 250; // MediaRecorder hands over a chunk this often
  const MAX_RECONNECTS = 3; // broadcaster retries within the server's grace
  const MAX_LAG_S = 3; // a viewer further behind the live edge jumps ahead
  const KEEP_S = 30; // seconds of played media kept in the SourceBuffer

  let camera = null; // MediaStream of the preview
  let recorder = null;
  let broadcastSocket = null;
  let stopping = false;

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/stream`;
  }

  function setStatus(state, message) {
    const box = document.getElementById("broadcast-status");
    if (box) {
      box.dataset.state = state;
      box.textContent = message || "";
    }
  }

  async function startPreview(videoId) {
    if (!camera) {
      camera = await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 480 },
        audio: true,
      });
    }
    const video = document.getElementById(videoId);
    if (video) {
      video.srcObject = camera;
      video.muted = true;
      await video.play().catch(() => {});
    }
    setStatus("preview", "");
  }

  function closePreview() {
    if (recorder) return; // keep the camera while live
    if (camera) camera.getTracks().forEach((track) => track.stop());
    camera = null;
  }

  async function goLive(title, attempt = 0) {
    if (!camera) await startPreview("broadcast-preview");
    stopping = false;
    const socket = new WebSocket(socketUrl());
    broadcastSocket = socket;
    socket.onopen = () =>
      socket.send(JSON.stringify({ type: "hello", role: "broadcaster", title }));
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") {
        startRecorder(socket);
        setStatus("live", "");
      } else if (frame.type === "error") {
        setStatus("error", frame.message);
      }
    };
    socket.onclose = () => {
      stopRecorder();
      if (stopping || broadcastSocket !== socket) return;
      if (attempt < MAX_RECONNECTS && document.getElementById("broadcast-status")?.dataset.state === "live") {
        setTimeout(() => goLive(title, attempt + 1), 1000);
      } else if (document.getElementById("broadcast-status")?.dataset.state !== "error") {
        setStatus("ended", "");
      }
    };
  }

  function startRecorder(socket) {
    // Each recorder starts a new WebM stream with its own initialization
    // segment; a key frame every second lets late viewers start quickly.
    recorder = new MediaRecorder(camera, {
      mimeType: MIME,
      videoBitsPerSecond: 2_000_000,
      videoKeyFrameIntervalDuration: 1000,
    });
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0 && socket.readyState === WebSocket.OPEN) {
        socket.send(event.data);
      }
    };
    recorder.start(TIMESLICE_MS);
  }

  function stopRecorder() {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    recorder = null;
  }

  function stopLive() {
    stopping = true;
    stopRecorder();
    if (broadcastSocket && broadcastSocket.readyState === WebSocket.OPEN) {
      broadcastSocket.send(JSON.stringify({ type: "stop" }));
    }
    setStatus("ended", "");
  }

  // Plays /ws/stream's media in a <video> through Media Source Extensions.
  // The server sends "media_reset" before each initialization segment, so
  // the SourceBuffer's parser is reset and new media continues on the
  // timeline ("sequence" mode ignores the stream's own timestamps).
  function watch(videoId, attempt = 0) {
    const video = document.getElementById(videoId);
    if (!video || video.dataset.watching) return;
    video.dataset.watching = "1";
    const source = new MediaSource();
    const queue = [];
    let buffer = null;
    video.src = URL.createObjectURL(source);
    source.addEventListener("sourceopen", () => {
      buffer = source.addSourceBuffer(MIME);
      buffer.mode = "sequence";
      buffer.addEventListener("updateend", pump);
      pump();
    }, { once: true });

    function pump() {
      if (!buffer || buffer.updating || queue.length === 0) return;
      const item = queue.shift();
      if (item === "reset") {
        buffer.abort();
        const ranges = buffer.buffered;
        if (ranges.length) buffer.timestampOffset = ranges.end(ranges.length - 1);
        pump();
        return;
      }
      trim();
      if (buffer.updating) {
        queue.unshift(item);
        return;
      }
      buffer.appendBuffer(item);
      followLiveEdge();
    }

    function trim() {
      const ranges = buffer.buffered;
      if (ranges.length && video.currentTime - ranges.start(0) > KEEP_S * 2) {
        buffer.remove(0, video.currentTime - KEEP_S);
      }
    }

    function followLiveEdge() {
      const ranges = video.buffered;
      if (!ranges.length) return;
      const end = ranges.end(ranges.length - 1);
      const start = ranges.start(ranges.length - 1);
      if (end - video.currentTime > MAX_LAG_S || video.currentTime < start) {
        video.currentTime = Math.max(start, end - 0.5);
      }
      if (video.paused) video.play().catch(() => {});
    }

    const socket = new WebSocket(socketUrl());
    socket.binaryType = "arraybuffer";
    socket.onopen = () => socket.send(JSON.stringify({ type: "hello", role: "viewer" }));
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") {
        queue.push(event.data);
      } else if (JSON.parse(event.data).type === "media_reset") {
        queue.push("reset");
      }
      pump();
    };
    socket.onclose = () => {
      delete video.dataset.watching;
      if (attempt < 20 && document.body.contains(video)) {
        setTimeout(() => watch(videoId, attempt + 1), 2000);
      }
    };
  }

  const api = { startPreview, closePreview, goLive, stopLive, watch };
  api.flush = function () {
    const pending = window.StreamChatLivePending || [];
    while (pending.length) {
      const [method, args] = pending.shift();
      Promise.resolve(api[method](...args)).catch((error) => {
        console.error("StreamChatLive." + method, error);
        setStatus("error", String(error && error.message ? error.message : error));
      });
    }
  };
  window.StreamChatLive = api;
  api.flush();
})();
