"""A village operator works without a connection, in Indonesian, in Chromium's offline mode:
the items are taken onto the phone, answered with a note and a photo, survive a reload while
offline, and are sent once the connection is back; a change made online meanwhile is shown as
a conflict with both values; a stage closed meanwhile refuses the late answers, which stay on
the phone."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Route, expect

from layak.audit.models import AuditEntry
from layak.evaluation import actions
from layak.evaluation.models import Answer, Stage
from layak.evidence.models import EvidenceLink
from layak.frameworks.actions import version_publish
from layak.frameworks.spec import (
    BandSpec,
    GroupSpec,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    QuestionSpec,
)
from layak.offline.models import SentChange
from layak.regions.models import Region
from layak.testing import make_personas, move_stages, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
PLACE = {"latitude": -6.2615, "longitude": 107.152}


def village_spec() -> InstrumentSpec:
    """Three village questions: a choice, a percentage and a text."""
    return InstrumentSpec(
        framework_code="desa-luring",
        framework_name="Desa Layak Anak (luring)",
        label="Uji",
        scale_max=D(100),
        region_level=4,
        bands=[
            BandSpec("NONE", "Belum layak", D(0), D("69.99"), 0),
            BandSpec("LAYAK", "Layak", D(70), D(100), 1),
        ],
        groups=[GroupSpec("KL", "Kelembagaan", 0)],
        indicators=[IndicatorSpec("D-1", "KL", "Kelembagaan desa", 1)],
        questions=[
            QuestionSpec(
                "D-1.1",
                "D-1",
                "single",
                "Forum Anak Desa",
                D(50),
                options=[OptionSpec("Ada dan berjalan", D(50)), OptionSpec("Belum ada", D(0))],
            ),
            QuestionSpec("D-1.2", "D-1", "percentage", "Anak berakta kelahiran (%)", D(50)),
            QuestionSpec("D-1.3", "D-1", "text", "Kegiatan anak di balai desa", D(0)),
        ],
    )


def start(personas):
    """The district's village cycle (self-assessment open) with the operator's village."""
    from layak.frameworks.spec import build_version

    version = version_publish(actor=personas.ministry, version=build_version(village_spec()))
    now = timezone.now()
    day = datetime.timedelta(days=1)
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="DEKELA Luring",
        instrument=version,
        windows={
            Stage.Kind.SELF_ASSESSMENT: (now - day, now + 9 * day),
            Stage.Kind.DISTRICT: (now + 9 * day, now + 19 * day),
        },
    )
    operator = personas["bekasi.village"]
    village = operator.memberships.get().organisation.region
    (assessment,) = actions.cycle_add_districts(
        actor=personas.bekasi_admin,
        cycle=cycle,
        regions=Region.objects.filter(pk=village.pk),
    )
    return cycle, assessment, operator


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized browser that lets Layak know where it is."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        viewport={"width": 390, "height": 844},
        # A phone set to another zone than the district's: times still read in WIB.
        timezone_id="Asia/Jayapura",
        geolocation=PLACE,
        permissions=["geolocation"],
    )
    context.add_init_script(SIGNAL)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# What the page reads as the phone's signal. Chromium's offline switch does not reach a page
# drawn again by the service worker after a reload (it reads ``navigator.onLine`` as true),
# and Playwright's routes do not see the requests of a page the worker controls, so such a
# page would send what waits. A phone without signal tells every page; the switch is kept for
# the tab in its session storage, which a reload keeps.
SIGNAL = """(() => {
  const real = Object.getOwnPropertyDescriptor(Navigator.prototype, "onLine").get;
  Object.defineProperty(Navigator.prototype, "onLine", {
    configurable: true,
    get() {
      let cut = false;
      try { cut = window.sessionStorage.getItem("phone-offline") === "1"; } catch (e) {}
      return !cut && real.call(this);
    },
  });
})();"""


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "sekolah.jpg"
    data = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 140, 90)).save(data, "JPEG")
    path.write_bytes(data.getvalue())
    return path


def take_along(page) -> None:
    """The operator opens the offline page while connected: items and page kept."""
    page.goto("/offline/")
    # The worker fetches its files one by one; on a busy machine that takes a while.
    worker = page.get_by_test_id("offline-app")
    expect(worker).to_have_attribute("data-worker", "1", timeout=120_000)
    expect(page.get_by_test_id("item")).to_have_count(3)


def open_item(page, code: str) -> None:
    page.get_by_test_id("back").click() if page.get_by_test_id("back").is_visible() else None
    page.locator(f"[data-testid=item][data-code='{code}']").click()
    expect(page.get_by_test_id("item-form")).to_have_attribute("data-code", code)


def offline(page, on: bool) -> None:
    """The phone loses (or gets back) its signal: Chromium goes offline, every request that
    would leave the phone fails, and every page reads ``navigator.onLine`` as a phone's page
    would (see ``SIGNAL``). A page drawn again while offline gets no "online" event from
    Chromium when the signal comes back: it is given the one a phone gives (a page that got
    its own ignores a second while it sends)."""
    if on:
        page.evaluate("window.sessionStorage.setItem('phone-offline', '1')")
        page.context.set_offline(True)
        page.context.route("**/*", _no_signal)
    else:
        # The requests go through again before the page hears of it, never after.
        page.context.unroute("**/*", _no_signal)
        page.context.set_offline(False)
        page.evaluate("window.sessionStorage.removeItem('phone-offline')")
        page.evaluate("window.dispatchEvent(new Event('online'))")


def _no_signal(route: Route) -> None:
    route.abort("internetdisconnected")


def waiting(page):
    return page.get_by_test_id("waiting")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"offline-{name}.png"), full_page=True)


def test_a_village_operator_answers_offline_reloads_and_sends(phone, tmp_path):
    personas = make_personas()
    _cycle, assessment, operator = start(personas)
    page = phone
    sign_in(page, operator.email)
    expect(page.get_by_test_id("offline-link")).to_have_text("Kerja tanpa sambungan")
    take_along(page)

    # How to add Layak to the home screen; the button shows where the browser offers installing.
    install = page.get_by_test_id("install")
    install.get_by_text("Tambahkan Layak ke layar utama").click()
    expect(install).to_contain_text("“Tambahkan ke Layar utama” atau “Instal aplikasi”")
    expect(install).to_contain_text("ketuk Bagikan, lalu “Tambahkan ke Layar Utama”")
    button = page.get_by_role("button", name="Pasang di ponsel")
    expect(button).to_be_hidden()
    page.evaluate(
        """() => {
          const offer = new Event("beforeinstallprompt", { cancelable: true });
          offer.prompt = () => { window.installAsked = true; return Promise.resolve(); };
          window.dispatchEvent(offer);
        }"""
    )
    page.get_by_text("Tambahkan Layak ke layar utama").click()  # folded away again
    button.click()
    assert page.evaluate("window.installAsked === true")
    expect(button).to_be_hidden()

    offline(page, True)
    expect(page.get_by_test_id("net-state")).to_have_text(
        "Tidak ada sinyal: pekerjaan Anda disimpan di ponsel ini."
    )
    open_item(page, "D-1.1")
    page.get_by_label("Ada dan berjalan").check()
    page.get_by_label("Catatan").fill("Rapat Forum Anak tiap bulan")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(waiting(page)).to_have_text("Menunggu dikirim: 1")
    page.get_by_role("button", name="Butir berikutnya").click()
    page.get_by_label("Anak berakta kelahiran (%)").fill("87,5")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(waiting(page)).to_have_text("Menunggu dikirim: 2")
    page.get_by_role("button", name="Butir berikutnya").click()
    page.get_by_label("Kegiatan anak di balai desa").fill("Taman bacaan dan latihan tari")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(waiting(page)).to_have_text("Menunggu dikirim: 3")
    page.get_by_test_id("photo-input").set_input_files(str(photo_file(tmp_path)))
    expect(waiting(page)).to_have_text("Menunggu dikirim: 4")
    photo = page.get_by_test_id("photo")
    expect(photo.locator("img")).to_have_attribute("src", re.compile(r"^data:image/jpeg"))
    expect(photo).to_contain_text("di lintang -6,261500, bujur 107,152000")
    hours = {f"{timezone.localtime() - datetime.timedelta(minutes=m):%H}" for m in (0, 2)}
    expect(photo).to_contain_text(re.compile("(" + "|".join(hours) + r")\.\d\d WIB"))
    shot(page, "item-390")

    # Closing and opening the page without a connection: the work is still there.
    response = page.reload()
    assert response is not None and response.from_service_worker
    assert page.evaluate("navigator.onLine") is False
    expect(waiting(page)).to_have_text("Menunggu dikirim: 4")
    expect(page.locator("[data-testid=item][data-code='D-1.2'] .answer")).to_have_text("87,5%")
    expect(page.get_by_test_id("state")).to_have_count(3)
    shot(page, "list-390")
    open_item(page, "D-1.3")
    expect(page.get_by_label("Kegiatan anak di balai desa")).to_have_value(
        "Taman bacaan dan latihan tari"
    )
    expect(page.get_by_test_id("photo")).to_have_count(1)
    assert not AuditEntry.objects.filter(action="answer.saved").exists()

    # Back online: everything waiting is sent, in order, and leaves the phone.
    offline(page, False)
    expect(waiting(page)).to_have_text("Tidak ada yang menunggu dikirim.", timeout=20_000)
    expect(page.get_by_test_id("sync-message")).to_have_text("Semua sudah terkirim.")
    expect(page.get_by_test_id("photo")).to_have_count(0)
    expect(page.get_by_text("Data dukung yang sudah dilampirkan")).to_contain_text("foto-D-1.3-")

    # Without a signal, keeping an unchanged item says so, and nothing claims all was sent.
    offline(page, True)
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(page.get_by_test_id("item-message")).to_have_text("Tidak ada perubahan pada butir ini.")
    expect(page.get_by_test_id("sync-message")).not_to_contain_text("terkirim")
    expect(waiting(page)).to_have_text("Tidak ada yang menunggu dikirim.")
    offline(page, False)

    answers = {
        a.question.code: a
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }
    chosen = str(answers["D-1.1"].question.options.get(label="Ada dan berjalan").pk)
    assert answers["D-1.1"].value == {"option": chosen}
    assert answers["D-1.1"].note == "Rapat Forum Anak tiap bulan"
    assert answers["D-1.2"].value == {"number": "87.5"}
    assert answers["D-1.3"].value == {"text": "Taman bacaan dan latihan tari"}
    saved = AuditEntry.objects.filter(action="answer.saved").order_by("at")
    assert [e.object_id for e in saved] == [str(answers[c].pk) for c in ("D-1.1", "D-1.2", "D-1.3")]
    assert all(e.made_at is not None and e.made_at < e.at for e in saved)
    link = EvidenceLink.objects.get(answer=answers["D-1.3"], is_active=True)
    sent = SentChange.objects.get(kind="photo")
    assert sent.evidence_id == link.file_id
    assert (sent.latitude, sent.longitude) == (D("-6.261500"), D("107.152000"))
    assert AuditEntry.objects.filter(action="photo.placed", made_at__isnull=False).count() == 1

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/offline/")
    expect(page.get_by_test_id("item")).to_have_count(3)
    shot(page, "list-1366")


def test_a_change_made_online_meanwhile_is_a_conflict_with_both_values(phone):
    personas = make_personas()
    _cycle, assessment, operator = start(personas)
    page = phone
    sign_in(page, operator.email)
    take_along(page)
    offline(page, True)
    open_item(page, "D-1.1")
    page.get_by_label("Ada dan berjalan").check()
    page.get_by_label("Catatan").fill("SK Forum Anak Desa 2026")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(waiting(page)).to_have_text("Menunggu dikirim: 1")

    # Meanwhile the kecamatan operator answers the same item online.
    answer = Answer.objects.select_related("question").get(
        assessment=assessment, question__code="D-1.1"
    )
    other = str(answer.question.options.get(label="Belum ada").pk)
    actions.answer_save(
        actor=personas["bekasi.kecamatan"],
        answer=answer,
        value={"option": other},
        note="Belum dibentuk",
        revision=answer.revision,
    )

    offline(page, False)
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("setelah Anda membukanya", timeout=20_000)
    expect(conflict.get_by_test_id("mine")).to_have_text(
        "Ada dan berjalan — catatan: SK Forum Anak Desa 2026"
    )
    expect(conflict.get_by_test_id("theirs")).to_have_text("Belum ada — catatan: Belum dibentuk")
    expect(waiting(page)).to_have_text("Tidak ada yang menunggu dikirim.")
    expect(page.get_by_test_id("needs-action")).to_have_text("Menunggu tindakan Anda: 1")
    shot(page, "conflict-390")
    answer.refresh_from_db()
    assert answer.value == {"option": other}  # nothing of the phone's was stored over theirs

    # Having seen both, the operator sends theirs again on top of it.
    conflict.get_by_role("button", name="Kirim lagi jawaban saya").click()
    expect(page.get_by_test_id("sync-message")).to_have_text("Semua sudah terkirim.")
    expect(page.get_by_test_id("needs-action")).to_be_hidden()
    expect(waiting(page)).to_have_text("Tidak ada yang menunggu dikirim.")
    answer.refresh_from_db()
    chosen = str(answer.question.options.get(label="Ada dan berjalan").pk)
    assert (answer.value, answer.note) == ({"option": chosen}, "SK Forum Anak Desa 2026")
    saved = list(AuditEntry.objects.filter(action="answer.saved").order_by("at"))
    assert [e.made_at is not None for e in saved] == [False, True]


def test_a_stage_closed_while_offline_refuses_the_late_answers_and_keeps_them(phone, tmp_path):
    personas = make_personas()
    cycle, assessment, operator = start(personas)
    page = phone
    sign_in(page, operator.email)
    take_along(page)
    offline(page, True)
    open_item(page, "D-1.1")
    page.get_by_label("Belum ada").check()
    page.get_by_role("button", name="Simpan di ponsel").click()
    page.get_by_role("button", name="Butir berikutnya").click()
    page.get_by_label("Anak berakta kelahiran (%)").fill("60")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(waiting(page)).to_have_text("Menunggu dikirim: 2")
    page.get_by_test_id("photo-input").set_input_files(str(photo_file(tmp_path)))
    expect(waiting(page)).to_have_text("Menunggu dikirim: 3")

    # The self-assessment closes while the phone has no signal.
    move_stages(cycle, Stage.Kind.DISTRICT)
    offline(page, False)
    refused = page.get_by_test_id("refused")
    expect(refused).to_have_count(2, timeout=20_000)
    closed = re.compile(
        r"Ditolak: Tahap evaluasi mandiri sudah ditutup untuk .+ \((Desa|Kelurahan)\)\."
    )
    # Each box says what it is about: the answer, or the photo with its thumbnail.
    about_answer = page.locator("[data-testid=refused][data-kind=answer]")
    about_photo = page.locator("[data-testid=refused][data-kind=photo]")
    expect(about_answer).to_contain_text(re.compile("^Jawaban: "))
    expect(about_answer).to_contain_text(closed)
    expect(about_photo).to_contain_text(re.compile("^Foto: "))
    expect(about_photo.locator("img")).to_have_attribute("src", re.compile(r"^data:image/jpeg"))
    for box in (about_answer, about_photo):
        expect(box.get_by_role("button", name="Kirim lagi")).to_be_visible()
        expect(box.get_by_role("button", name="Hapus dari ponsel ini")).to_be_visible()
    # Refusals are not counted as waiting: they are counted apart, as needing the person.
    expect(waiting(page)).to_have_text("Tidak ada yang menunggu dikirim.")
    expect(page.get_by_test_id("needs-action")).to_have_text("Menunggu tindakan Anda: 3")
    expect(page.get_by_test_id("send-now")).to_be_disabled()
    shot(page, "refused-item-390")
    page.get_by_test_id("back").click()
    expect(page.locator("[data-testid=state][data-state=refused]")).to_have_count(2)
    # What needs the person comes first in the list, under its own heading.
    first = page.locator("[data-testid=item-list] > *")
    expect(first.nth(0)).to_have_text("Menunggu tindakan Anda")
    expect(first.nth(1)).to_have_attribute("data-code", "D-1.1")
    expect(first.nth(2)).to_have_attribute("data-code", "D-1.2")
    shot(page, "refused-390")

    # Kept on the phone, for the person to see, after a reload too.
    page.reload()
    expect(page.get_by_test_id("needs-action")).to_have_text("Menunggu tindakan Anda: 3")
    expect(page.locator("[data-testid=state][data-state=refused]")).to_have_count(2)
    assert not Answer.objects.filter(assessment=assessment).exclude(value={}).exists()
    assert not AuditEntry.objects.filter(action="answer.saved").exists()

    # Signing out without a signal says it needs a connection, and the work stays.
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    offline(page, True)
    page.once("dialog", answer)
    page.locator(".user-menu button").click()
    expect(page.get_by_test_id("needs-action")).to_have_text("Menunggu tindakan Anda: 3")
    assert asked == [
        "Keluar memerlukan sambungan. Pekerjaan Anda tetap tersimpan di ponsel ini; "
        "keluarlah setelah ada sinyal."
    ]
    assert page.url.endswith("/offline/")
    offline(page, False)

    # The ministry reopens the self-assessment: the answer and the photo can go after all.
    actions.stage_reopen(
        actor=personas.ministry,
        assessment=assessment,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Sinyal di desa terputus",
        until=timezone.now() + datetime.timedelta(days=2),
    )
    open_item(page, "D-1.2")
    about_answer.get_by_role("button", name="Kirim lagi").click()
    expect(about_answer).to_have_count(0)
    about_photo.get_by_role("button", name="Kirim lagi").click()
    expect(about_photo).to_have_count(0)
    expect(page.get_by_text("Data dukung yang sudah dilampirkan")).to_contain_text("foto-D-1.2-")
    expect(page.get_by_test_id("photo")).to_have_count(0)
    expect(page.get_by_test_id("needs-action")).to_have_text("Menunggu tindakan Anda: 1")
    stored = Answer.objects.get(assessment=assessment, question__code="D-1.2")
    assert stored.value == {"number": "60"}
    assert EvidenceLink.objects.filter(answer=stored, is_active=True).count() == 1

    # Signing out removes what the phone kept, after saying that changes are waiting.
    asked.clear()
    page.once("dialog", answer)
    sign_out(page)
    assert asked and "dihapus dari ponsel ini" in asked[0]
    kept = page.evaluate(
        """async () => ({
          databases: (await indexedDB.databases()).map(d => d.name),
          caches: await caches.keys(),
        })"""
    )
    assert kept == {"databases": [], "caches": []}


def test_an_assessor_verifies_on_site_without_a_connection(phone, tmp_path):
    from layak.evaluation import verification
    from layak.evaluation.models import FieldPhoto, Score
    from layak.evaluation.tests.test_verification import submit_all
    from layak.testing import make_cycle

    personas = make_personas()
    ev = make_cycle(personas)
    submit_all(personas, ev)
    for kind, who in (
        (Stage.Kind.PROVINCE, personas.jabar),
        (Stage.Kind.MINISTRY, personas.ministry),
    ):
        move_stages(ev.cycle, kind)
        verification.verify_agree_rest(actor=who, assessment=ev.bekasi, stage=kind)
    move_stages(ev.cycle, Stage.Kind.FIELD)

    page = phone
    sign_in(page, personas["assessor"].email)
    page.goto("/offline/")
    # The worker fetches its files one by one; on a busy machine that takes a while.
    worker = page.get_by_test_id("offline-app")
    expect(worker).to_have_attribute("data-worker", "1", timeout=120_000)
    expect(page.get_by_test_id("item")).to_have_count(4)
    offline(page, True)
    open_item(page, "T-1.1")
    expect(page.get_by_test_id("points-before")).to_have_text(
        "Nilai tingkat sebelumnya: 30 dari 30"
    )
    page.get_by_label("Ubah nilai").check()
    page.get_by_label("Nilai verifikasi lapangan").fill("22,5")
    page.get_by_label("Alasan perubahan").fill("Perda belum diundangkan")
    page.get_by_role("button", name="Simpan di ponsel").click()
    expect(waiting(page)).to_have_text("Menunggu dikirim: 1")
    page.get_by_test_id("photo-input").set_input_files(str(photo_file(tmp_path)))
    expect(waiting(page)).to_have_text("Menunggu dikirim: 2")
    shot(page, "field-390")
    assert not Score.objects.filter(stage=Stage.Kind.FIELD).exists()

    offline(page, False)
    expect(waiting(page)).to_have_text("Tidak ada yang menunggu dikirim.", timeout=20_000)
    stored = Score.objects.get(answer=ev.answers["T-1.1"], stage=Stage.Kind.FIELD)
    assert (stored.points, stored.reason) == (D("22.5"), "Perda belum diundangkan")
    assert FieldPhoto.objects.filter(answer=ev.answers["T-1.1"]).count() == 1
    assert AuditEntry.objects.get(action="score.adjusted").made_at is not None


def test_the_installed_app_shows_no_install_guidance(phone):
    personas = make_personas()
    _cycle, _assessment, operator = start(personas)
    page = phone
    sign_in(page, operator.email)
    page.goto("/offline/")
    expect(page.get_by_test_id("install")).to_be_visible()
    # Opened from the home screen, the page runs as an installed app (display-mode standalone).
    page.add_init_script(
        """(() => {
          const plain = window.matchMedia.bind(window);
          window.matchMedia = (query) => query === "(display-mode: standalone)"
            ? { matches: true, media: query, addEventListener() {}, removeEventListener() {} }
            : plain(query);
        })()"""
    )
    page.goto("/offline/")
    expect(page.get_by_test_id("offline-app")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("install")).to_be_hidden()
