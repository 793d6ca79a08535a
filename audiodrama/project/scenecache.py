"""Scene mixes in the store: each scene's pre-master mix, so that an edit re-mixes only its scene.

A scene's mix is a pure function of its inputs, which its plan key (audio.assembly.plan_key)
hashes: a changed input changes the key, so a stale mix is never served. The mixes are store
files of kind "scene" (raw 32-bit samples, the AudioSegment's data, .pcm), put atomically
and listed in the store's manifest under the story that uses them; a full build records exactly
the mixes it used, so `audiodrama cache --prune` deletes the rest.
"""

from __future__ import annotations

from pydub import AudioSegment

from audiodrama.errors import ProductionError
from audiodrama.project.store import Store

KIND = "scene"
SUFFIX = ".pcm"


class SceneCache:
    """One story's scene mixes at one sample rate and channel count (1 mono, 2 the stereo
    stage; interleaved as pydub keeps them); `used` collects the plan keys read or written."""

    def __init__(self, store: Store, story: str, sr: int, channels: int = 1):
        self.store = store
        self.story = story
        self.sr = sr
        self.channels = channels
        self.used: set[str] = set()
        self.hits = 0

    def _key(self, plan_key: str) -> str:
        # One key scheme for the whole store: the plan key is one of the parts.
        return self.store.key(KIND, plan_key, str(self.sr))

    def get(self, key: str) -> AudioSegment | None:
        """The cached mix for `key`, or None (also when the file is unreadable)."""
        self.used.add(key)
        try:
            data = self.store.path_for(KIND, self._key(key), SUFFIX).read_bytes()
        except OSError:
            return None
        if len(data) % (4 * self.channels):
            return None
        self.hits += 1
        return AudioSegment(data, frame_rate=self.sr, sample_width=4, channels=self.channels)

    def put(self, key: str, value: AudioSegment) -> None:
        """Store a scene mix (atomically; a failure to write only costs speed next time)."""
        self.used.add(key)
        if value.sample_width != 4 or value.channels != self.channels or value.frame_rate != self.sr:
            raise ValueError("scene mixes are 32-bit AudioSegments at the cache's rate and channels")
        try:
            self.store.put_bytes(KIND, self._key(key), SUFFIX, value.raw_data)
        except (OSError, ProductionError):  # ProductionError: the disk is full
            pass

    def record(self, *, partial: bool) -> None:
        """Record in the store's manifest the mixes this story used. After a full build that is
        all of them, so the story's other mixes are stale: those no other story uses are deleted
        (a novel's scene mixes take about 1.3 GB per stereo audio hour)."""
        before = {p for p in self.store.used([self.story]) if p.parent.name == KIND}
        paths = {self.store.path_for(KIND, self._key(k), SUFFIX) for k in self.used}
        self.store.record_use(self.story, paths, partial=partial, kinds=(KIND,))
        if partial:
            return
        others = self.store.used(s for s in self.store.recorded_stories() if s != self.story)
        for stale in before - paths - others:
            stale.unlink(missing_ok=True)
