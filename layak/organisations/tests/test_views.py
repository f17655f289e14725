def test_the_ministry_reaches_a_members_two_factor_page_from_the_organisation(client, personas):
    from django.urls import reverse

    from layak.organisations.models import Membership

    member = Membership.objects.filter(user=personas.bekasi_admin).first()
    url = reverse("organisations:detail", args=[member.organisation_id])
    link = reverse("accounts:user_two_factor", args=[personas.bekasi_admin.pk])
    client.force_login(personas.ministry)
    assert link in client.get(url).content.decode()
    client.force_login(personas.bekasi_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="two-factor-' not in response.content.decode()


def test_an_offices_history_shows_the_invitation_of_its_new_member(client, personas):
    """The district administrator invites a person to Dinkes through the office's page: the
    office's history says who was invited and given which role, in words; the colleagues on
    Dinkes's home page show her as invited until she accepts."""
    import re

    from django.urls import reverse

    from layak.organisations.models import Organisation

    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    page = reverse("organisations:detail", args=[dinkes.pk])
    client.force_login(personas.bekasi_admin)
    assert "Belum ada perubahan yang tercatat." in client.get(page).content.decode()
    response = client.post(
        reverse("organisations:invite", args=[dinkes.pk]),
        {
            "full_name": "Siti Nurhaliza",
            "email": "siti.nurhaliza@example.id",
            "role": "office_operator",
        },
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    history = " ".join(re.sub(r"<[^>]+>", " ", html[html.index("Riwayat") :]).split())
    assert "Belum ada perubahan yang tercatat." not in history
    assert "Orang diundang" in history and "Keanggotaan diberikan" in history
    assert "Siti Nurhaliza" in history and "Operator perangkat daerah" in history
    # Another district's office does not show it.
    other = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Gunung Mas")
    client.force_login(personas.gm_admin)
    other_html = client.get(reverse("organisations:detail", args=[other.pk])).content.decode()
    assert "Siti Nurhaliza" not in other_html
    # Dinkes's operator sees her among the colleagues, marked as invited.
    client.force_login(personas.bekasi_dinkes)
    home = " ".join(re.sub(r"<[^>]+>", " ", client.get("/").content.decode()).split())
    assert "Siti Nurhaliza · Operator perangkat daerah diundang" in home


def test_the_invitation_form_chooses_no_role_for_the_inviter(client, personas):
    """The role starts empty: an invitation sent without choosing one is refused beside the
    field, with what was typed kept, and nobody is invited."""
    import re

    from django.urls import reverse

    from layak.accounts.models import User
    from layak.organisations.models import Organisation

    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    url = reverse("organisations:invite", args=[dinkes.pk])
    client.force_login(personas.bekasi_admin)
    form = client.get(url).content.decode()
    select = form[form.index('name="role"') : form.index("</select>", form.index('name="role"'))]
    chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select)
    assert chosen == [""] and '<option value="" selected>— pilih peran —</option>' in select
    response = client.post(url, {"full_name": "Sari Nur", "email": "sari.nur@example.id"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "wajib" in html
    assert 'value="Sari Nur"' in html and 'value="sari.nur@example.id"' in html
    assert not User.objects.filter(email="sari.nur@example.id").exists()
