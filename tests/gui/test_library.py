"""The media library window (issue #24): find last week's photo, reuse it with its alt text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from outpost.engine import Engine, MediaInput, PostInput
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests import media_fixtures
from tests.fakes import FakeClock
from tests.gui.windows import window_scenario


def test_a_photo_from_the_library_goes_into_the_composer_with_its_alt_text(
    qtbot, qapp, tmp_path: Path
) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        for name, alt, width in (("beach.png", "Waves at dusk", 400), ("forest.png", "Pines in fog", 410)):
            photo = media_fixtures.image(tmp_path / name, width, 300)
            await engine.posts.create(
                PostInput(text=name, accounts=(account,), media=(MediaInput(str(photo), alt),))
            )
            clock.advance(timedelta(minutes=1))  # the newest comes first
        window.open_library()
        library = window._library
        assert library is not None
        await settle_ops()
        assert [library.grid.item(i).text() for i in range(library.grid.count())] == [
            "forest.png",
            "beach.png",
        ]

        library.search.setText("waves")
        library.reload()
        await settle_ops()
        assert [i.name for i in library.items] == ["beach.png"]
        assert library.alt.text() == "Waves at dusk"
        assert "Used on 1 post" in library.facts.text()

        library.use_button.click()
        await settle_ops()
        assert window.pages.currentWidget() is window.composer
        [attached] = window.composer.media.items
        assert attached.alt_text == "Waves at dusk"
        assert Path(attached.info.path).parent == engine.data_dir / "library"

        library.tags.setText("sea, summer")
        library.tags.editingFinished.emit()
        await settle_ops()
        assert (await engine.library.list(tag="summer"))[0].name == "beach.png"

        library.delete_button.click()  # a draft still carries it: refused in words, kept
        await settle_ops()
        assert [i.name for i in await engine.library.list()] == ["forest.png", "beach.png"]
        library.close()
        window.composer.clear()  # nothing left for the window to save as it closes
        await settle_ops()
        window.composer._check_timer.stop()
        window.composer._save_timer.stop()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_an_empty_library_says_what_will_appear(qtbot, qapp, tmp_path: Path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        window.open_library()
        library = window._library
        assert library is not None
        await settle_ops()
        assert library.grid.isHidden() and not library.empty.isHidden()
        assert "Every photo and video you attach" in library.empty.text()
        assert not library.details.isEnabled()
        library.close()

    window_scenario(qapp, qtbot, tmp_path, scenario)
