"""audiodrama: turn a written story into a full-cast audio drama (parse, cast, voice, mix).

    import audiodrama as ad
    project = ad.Project.open("my-drama")          # a folder with audiodrama.toml
    result = ad.build("stories/demo.txt", project)  # or step by step:
    script = ad.parse("stories/demo.txt", project)
    cast = ad.cast(script, project)
    rendered = ad.render(script, cast, project)
    episodes = ad.mix(script, rendered, project, cast)

Every value displays itself in Jupyter (Script, Cast, RenderResult, Timeline, EpisodeResult).
"""

from __future__ import annotations

from audiodrama.audio.timeline import Timeline
from audiodrama.errors import AudiodramaError
from audiodrama.model import Character, Line, Scene, Script, VoiceProfile
from audiodrama.pipeline import BuildResult, build, cast, mix, parse, render
from audiodrama.project.production import Project
from audiodrama.render.plan import RenderedLine, RenderResult
from audiodrama.results import EpisodeResult
from audiodrama.settings import Settings
from audiodrama.voices.cast import Cast

__version__ = "0.1.0"

__all__ = [
    "AudiodramaError",
    "BuildResult",
    "Cast",
    "Character",
    "EpisodeResult",
    "Line",
    "Project",
    "RenderResult",
    "RenderedLine",
    "Scene",
    "Script",
    "Settings",
    "Timeline",
    "VoiceProfile",
    "build",
    "cast",
    "mix",
    "parse",
    "render",
]
