"""The one permission check: roles, public access and reading-list ownership."""
import pytest

from kb.permissions import Actor, PermissionDenied, allowed, anonymous, may_change_list, may_view_list, require

READER = Actor("rosa", "reader")
RESEARCHER = Actor("ravi", "researcher")
ADMIN = Actor("ada", "admin")


def test_roles_climb_from_reader_to_admin():
    assert allowed(READER, "read") and allowed(READER, "lists.own")
    assert not allowed(READER, "ingest") and not allowed(READER, "correct") and not allowed(READER, "remove")
    assert allowed(RESEARCHER, "ingest") and allowed(RESEARCHER, "remove") and allowed(RESEARCHER, "lists.shared")
    assert not allowed(RESEARCHER, "accounts") and not allowed(RESEARCHER, "audit")
    assert allowed(ADMIN, "accounts") and allowed(ADMIN, "ingest")


def test_anonymous_visitors_read_only_when_public_access_is_read():
    visitor = anonymous()
    assert allowed(visitor, "read", public_access="read")
    assert not allowed(visitor, "read", public_access="none")
    assert not allowed(visitor, "lists.own") and not allowed(visitor, "ingest")


def test_a_role_name_alone_is_not_an_account():
    assert not allowed(Actor(None, "admin"), "accounts")


def test_require_names_the_role_needed():
    with pytest.raises(PermissionDenied, match="researcher role"):
        require(READER, "ingest")
    with pytest.raises(PermissionDenied, match="anonymous visitors may not read"):
        require(anonymous(), "read", public_access="none")
    require(RESEARCHER, "ingest")


def test_unknown_actions_are_a_programming_error():
    with pytest.raises(ValueError):
        allowed(ADMIN, "launch")


def test_private_lists_belong_to_their_owner():
    assert may_view_list(READER, "rosa", False) and may_change_list(READER, "rosa", False)
    assert not may_view_list(RESEARCHER, "rosa", False) and not may_change_list(ADMIN, "rosa", False)
    assert not may_view_list(anonymous(), "rosa", False)


def test_shared_lists_are_read_by_all_and_changed_by_owner_and_researchers():
    assert may_view_list(anonymous(), None, True, public_access="read")
    assert not may_view_list(anonymous(), None, True, public_access="none")
    assert not may_change_list(READER, "ravi", True)
    assert may_change_list(READER, "rosa", True)
    assert may_change_list(RESEARCHER, None, True) and may_change_list(ADMIN, "rosa", True)
