"""The media pipeline: photos, GIFs and videos made ready for each platform,
within its limits and without metadata.

Public API (everything a publisher needs is importable from here):

- limits: `BlueskyLimits`, `MastodonLimits` (defaults + `from_upload_limits`,
  `with_upload_limits`, `without_video_service`, `from_instance_v2`),
  `ImageTarget` (what `.image_target` of either gives);
- photos: `prepare_image`, `prepare_image_for`, `PreparedImage`,
  `read_media_file`;
- many photos at once: `prepare_images_parallel`, `ImageJob`, `ImageJobResult`;
- videos and GIFs: `probe_video`, `archive_video_info`, `check_video`, `VideoInfo`, `VideoDecision`;
- posts: `plan_media_posts`;
- errors: `MediaError` (a QuittexError; `.problem` says why).
"""

from quittex.media.batch import ImageJob, ImageJobResult, prepare_images_parallel
from quittex.media.errors import MediaError, MediaProblem
from quittex.media.images import PreparedImage, prepare_image, prepare_image_for, read_media_file
from quittex.media.limits import BlueskyLimits, ImageTarget, MastodonLimits
from quittex.media.posts import plan_media_posts
from quittex.media.strip import strip_jpeg_metadata, strip_png_metadata
from quittex.media.video import VideoDecision, VideoInfo, archive_video_info, check_video, probe_video

__all__ = [
    "BlueskyLimits",
    "ImageJob",
    "ImageJobResult",
    "ImageTarget",
    "MastodonLimits",
    "MediaError",
    "MediaProblem",
    "PreparedImage",
    "VideoDecision",
    "VideoInfo",
    "archive_video_info",
    "check_video",
    "plan_media_posts",
    "prepare_image",
    "prepare_image_for",
    "prepare_images_parallel",
    "probe_video",
    "read_media_file",
    "strip_jpeg_metadata",
    "strip_png_metadata",
]
