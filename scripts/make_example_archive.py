"""Write examples/twitter-example.zip: a small, fictional X archive.

It holds one of everything quittex handles (a thread, photos with GPS EXIF, a
PNG with transparency, a GIF, a video, a long note tweet, a reply to someone
else, a retweet, quotes, an edit, a Circle tweet and a DM file that must never
be read), for a fictional collective. No real person's data.

Run:  .venv/bin/pip install av  &&  .venv/bin/python scripts/make_example_archive.py
(PyAV makes real, playable mp4 files; it is needed only to regenerate.)
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from tests.archive_builder import (  # noqa: E402
    ArchiveSpec,
    MediaSpec,
    make_note,
    make_tweet,
    snowflake,
    truncated_for_note,
    user_id,
    write_archive,
)

ACCOUNT = "1180000000000000001"
USER = "velo_lumiere"
OUT = ROOT / "examples" / "twitter-example.zip"

LONG_TEXT = (
    "Pourquoi nous quittons X, en quelques mots. Depuis 2019, ce compte a relayé nos ateliers de réparation, "
    "nos balades nocturnes et nos campagnes pour des pistes cyclables sûres. Mais la plateforme a changé : "
    "la modération s'est effondrée, le harcèlement vise celles et ceux qui s'engagent, et l'algorithme met en "
    "avant ce qui divise. Nous ne voulons plus que notre parole dépende d'un seul homme. "
    "Nous continuons sur Mastodon et Bluesky, avec toutes nos archives, et sur notre site "
    "https://t.co/SITE0001 où la lettre d'information reste le meilleur moyen de nous suivre. "
    "Merci à toutes les personnes qui nous ont lus ici. #QuitteX #Vélo"
)


def photo_with_gps(color: str, label: str) -> bytes:
    """A JPEG carrying the EXIF a phone writes, GPS included: it must never
    leave the machine."""
    image = Image.new("RGB", (1600, 1200), color)
    draw = ImageDraw.Draw(image)
    for x in range(0, 1600, 80):
        draw.line([(x, 0), (1600 - x, 1200)], fill="white", width=6)
    draw.rectangle([500, 500, 1100, 700], fill="black")
    draw.text((540, 580), label, fill="white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0112] = 1  # Orientation
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 36.0), 3: "E", 4: (4.0, 50.0, 24.0)}  # GPS: Lyon
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, exif=exif)
    return buffer.getvalue()


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([100, 100, 700, 700], fill=(230, 60, 60, 255))
    draw.ellipse([300, 300, 500, 500], fill=(0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def mp4(seconds: float, size: tuple[int, int], fps: int = 12) -> bytes:
    """A real H.264 mp4 (what X stores for videos and GIFs)."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        for n in range(int(seconds * fps)):
            frame = Image.new("RGB", size, (20 * (n % 12), 120, 200 - 10 * (n % 12)))
            ImageDraw.Draw(frame).ellipse([n * 8 % size[0], 40, n * 8 % size[0] + 60, 100], fill="yellow")
            video_frame = av.VideoFrame.from_image(frame)
            video_frame.pts = n
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def profile_picture(size: tuple[int, int], color: str, label: str) -> bytes:
    """A profile image as X keeps it: a JPEG, with the GPS EXIF a phone wrote."""
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse([width // 4, height // 4, 3 * width // 4, 3 * height // 4], outline="white", width=max(4, width // 60))
    draw.text((width // 2 - 40, height // 2 - 6), label, fill="white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)}  # GPS: Lyon
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


PROFILE = {
    "description": {
        "bio": "Atelier vélo participatif à Lyon 🚲 Réparations, balades nocturnes et plaidoyer avec "
        "@reseau_velo. Tout est sur https://t.co/SITE0001",
        "website": "https://t.co/WEBSITE01",
        "location": "Lyon",
    },
    "avatarMediaUrl": f"https://pbs.twimg.com/profile_images/{ACCOUNT}/VeLoAv01_400x400.jpg",
    "headerMediaUrl": f"https://pbs.twimg.com/profile_banners/{ACCOUNT}/1700000000",
}


def build() -> ArchiveSpec:
    spec = ArchiveSpec(generation="2023", account_id=ACCOUNT, username=USER, display_name="Vélo Lumière 🚲", parts=2)
    spec.profile = PROFILE
    # Accounts followed and following: three named by the tweets, three only by their ids.
    spec.following = [user_id("reseau_velo"), user_id("mairie_exemple"), "1212121212", "3434343434"]
    spec.followers = [user_id("reseau_velo"), user_id("voisine_engagee"), "5656565656"]
    spec.profile_media = {
        f"{ACCOUNT}-VeLoAv01.jpg": profile_picture((400, 400), "#bc4749", "Vélo"),
        f"{ACCOUNT}-1700000000.jpg": profile_picture((1500, 500), "#386641", "Vélo Lumière"),
    }
    t = datetime(2019, 3, 4, 18, 30, tzinfo=UTC)

    def tid(days: float, seq: int = 0) -> str:
        return snowflake(t + timedelta(days=days), seq)

    spec.tweet(
        tid(0),
        "Atelier de réparation samedi 14h, place Sathonay ! Outils & café fournis 🔧☕ #Vélo https://t.co/ATELIER1",
        urls={"https://t.co/ATELIER1": "https://velo-lumiere.example.org/ateliers/2019-03-09"},
        likes=48,
        retweets=12,
    )
    first = tid(30)
    spec.tweet(
        first,
        "🧵 Bilan de notre balade nocturne : 120 cyclistes, zéro accident, des lumières partout. Un fil ⬇️",
        media=[
            MediaSpec("photo", "D1aBcDeXkAAaaa1.jpg", photo_with_gps("#2a6f97", "Balade 1"), 1600, 1200),
            MediaSpec("photo", "D1aBcDeXkAAaaa2.jpg", photo_with_gps("#6a994e", "Balade 2"), 1600, 1200),
        ],
        likes=210,
    )
    second = tid(30.001)
    spec.tweet(
        second,
        "Merci à @mairie_exemple pour la fermeture de la rue pendant une heure. Le parcours : https://t.co/PARCOURS",
        reply_to=(first, ACCOUNT, USER),
        urls={"https://t.co/PARCOURS": "https://velo-lumiere.example.org/parcours"},
        likes=80,
    )
    spec.tweet(
        tid(30.002),
        "Prochaine balade le 12 avril. Venez avec vos lumières 💡 (et celles de vos voisin·es) !",
        reply_to=(second, ACCOUNT, USER),
        likes=95,
    )
    spec.tweet(
        tid(60),
        "Notre nouveau logo, transparent pour vos affiches 🎨",
        media=[MediaSpec("photo", "D2LogoPngAAb.png", png_with_alpha(), 800, 800)],
        likes=33,
    )
    spec.tweet(
        tid(90),
        "Quand la piste cyclable est enfin finie :",
        media=[MediaSpec("animated_gif", "D3GifAAAbbbccc.mp4", mp4(2, (320, 240)), 320, 240)],
        likes=120,
    )
    spec.tweet(
        tid(120),
        "La vélorution en 20 secondes 🎥 #Vélorution",
        media=[MediaSpec("video", "D4VideoXYZ.mp4", mp4(4, (640, 360)), 640, 360, duration_ms=4000)],
        likes=64,
    )
    spec.tweet(
        tid(150),
        "@voisine_engagee Oui, l'atelier est gratuit et ouvert à toutes et tous !",
        reply_to=(tid(149), user_id("voisine_engagee"), "voisine_engagee"),
    )
    spec.tweet(
        tid(160), "RT @reseau_velo: Appel national pour des rues apaisées devant les écoles, signez la pétition …"
    )
    spec.tweet(
        tid(200),
        "Très bon article sur les rues scolaires https://t.co/QUOTEEXT",
        urls={"https://t.co/QUOTEEXT": "https://twitter.com/reseau_velo/status/1150000000000000000"},
    )
    spec.tweet(
        tid(210),
        "On en parlait déjà il y a quelques mois https://t.co/QUOTEOWN",
        urls={"https://t.co/QUOTEOWN": f"https://twitter.com/{USER}/status/{first}"},
    )
    spec.tweet(
        tid(400),
        "Warning: photos of the crash site on Rue Garibaldi. Please ride safe.",
        lang="en",
        sensitive=True,
        media=[MediaSpec("photo", "D5Crash0001.jpg", photo_with_gps("#9b2226", "Crash"), 1600, 1200)],
    )
    edited_first, edited_last = tid(500), tid(500.01)
    spec.tweet(edited_first, "Assemblée générale le 15 juin à 18h", edit_chain=[edited_first, edited_last])
    spec.tweet(
        edited_last,
        "Assemblée générale le 15 juin à 19h (changement d'horaire !)",
        edit_of=edited_first,
        edit_chain=[edited_first, edited_last],
    )
    note_time = t + timedelta(days=1700)
    spec.notes.append(
        make_note(LONG_TEXT, note_time, urls={"https://t.co/SITE0001": "https://velo-lumiere.example.org"})
    )
    spec.tweet(
        snowflake(note_time + timedelta(milliseconds=420)), truncated_for_note(LONG_TEXT), likes=350, retweets=140
    )
    circle = make_tweet(tid(600), "Réservé au cercle : les codes du local sont dans le drive.")
    spec.add(circle)
    spec.circle_tweets.append(circle)
    spec.extra_files["data/direct-messages.js"] = (
        b'window.YTD.direct_messages.part0 = [{"dmConversation": {"messages": "PRIVATE: never read"}}]'
    )
    spec.extra_files["data/deleted-tweets.js"] = b"window.YTD.deleted_tweets.part0 = []"
    return spec


def main() -> None:
    OUT.parent.mkdir(exist_ok=True)
    OUT.unlink(missing_ok=True)
    write_archive(build(), OUT)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
