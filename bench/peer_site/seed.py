"""Migrate the peer's database and make one published 10-question survey; print its id.

Each question is a 7-point radio question, as Trustmeter's items; all required.
"""

import os

import django

QUESTIONS = 10
SCALE = ",".join(str(value) for value in range(1, 8))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
    django.setup()
    from django.core.management import call_command
    from survey.models import Question, Survey

    call_command("migrate", verbosity=0)
    survey = Survey.objects.create(
        name="Samenwerking",
        description="Ten questions",
        need_logged_user=False,
        display_method=Survey.ALL_IN_ONE_PAGE,
        editable_answers=False,
    )
    for order in range(1, QUESTIONS + 1):
        Question.objects.create(
            survey=survey,
            text=f"Question {order}",
            order=order,
            required=True,
            type=Question.RADIO,
            choices=SCALE,
        )
    print(survey.id)


if __name__ == "__main__":
    main()
