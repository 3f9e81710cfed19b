"""The load generator's browser: it keeps cookies, follows redirects, says where one went wrong."""

from bench.browser import Browser


def test_cookies_set_are_sent_back_and_a_cleared_one_is_dropped():
    browser = Browser()
    headers = {"set-cookie": "tm_resume=ABCD2345EFGH; Path=/s/x; HttpOnly\nlang=nl; Path=/"}
    assert browser.answer(None, 303, headers) is None
    sent = browser.encode(b"GET /s/x/page/2 HTTP/1.1\r\nHost: h\r\n", b"")
    assert b"Cookie: tm_resume=ABCD2345EFGH; lang=nl\r\n\r\n" in sent
    browser.answer(None, 200, {"set-cookie": "lang=; Max-Age=0; Path=/"})
    assert browser.cookies == {"tm_resume": "ABCD2345EFGH"}


def test_a_redirect_is_followed_with_its_query_and_checked_against_the_step():
    browser = Browser()
    headers = {"location": "http://127.0.0.1:8000/s/x/resume?from=save"}
    assert browser.follow(303, headers) == "/s/x/resume?from=save"
    assert browser.answer("/s/x/page/3", 303, headers) == "went to /s/x/resume, not to /s/x/page/3"
    assert browser.answer("/s/x/page/3", 200, {}) == "went to None, not to /s/x/page/3"
    assert browser.answer("/s/x/page/3", 303, {"location": "/s/x/page/3"}) is None
    assert browser.follow(200, {}) is None
