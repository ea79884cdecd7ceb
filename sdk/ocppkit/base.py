"""Base classes of the generated messages, and the records of ``ACTIONS``.

A generated request class names its response type and its direction in its bases, so that a
type checker knows what ``await connection.call(ResetRequest(...))`` returns and which side may
send it:

* ``StationRequest[R]``: sent by the charging station to the CSMS, answered by ``R_co``;
* ``CsmsRequest[R]``: sent by the CSMS to the charging station;
* both, for actions either side may send (``DataTransfer``);
* ``StationSend`` / ``CsmsSend``: 2.1 SEND messages, never answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

if TYPE_CHECKING:
    from ocppkit.codec import Codec

__all__ = [
    "Action",
    "CsmsRequest",
    "CsmsSend",
    "Direction",
    "Kind",
    "Message",
    "Request",
    "Response",
    "SendMessage",
    "StationRequest",
    "StationSend",
]

R_co = TypeVar("R_co", bound="Response", covariant=True)


class Message:
    """Any generated request, response or SEND payload class."""

    __slots__ = ()
    __ocppkit_codec__: ClassVar[Codec]


class Response(Message):
    """The payload of a CALLRESULT."""

    __slots__ = ()


class Request(Message, Generic[R_co]):
    """The payload of a CALL answered by ``R_co``."""

    __slots__ = ()


class StationRequest(Request[R_co]):
    """A CALL the charging station sends to the CSMS."""

    __slots__ = ()


class CsmsRequest(Request[R_co]):
    """A CALL the CSMS sends to the charging station."""

    __slots__ = ()


class SendMessage(Message):
    """The payload of a SEND (OCPP 2.1): no response."""

    __slots__ = ()


class StationSend(SendMessage):
    """A SEND the charging station sends to the CSMS."""

    __slots__ = ()


class CsmsSend(SendMessage):
    """A SEND the CSMS sends to the charging station."""

    __slots__ = ()


class Direction(StrEnum):
    """Who sends an action's request."""

    STATION_TO_CSMS = "station_to_csms"
    CSMS_TO_STATION = "csms_to_station"
    BOTH = "both"


class Kind(StrEnum):
    """OCPP-J message type of an action's request."""

    CALL = "CALL"
    SEND = "SEND"


@dataclass(frozen=True, slots=True)
class Action:
    """One row of a version's ``ACTIONS``."""

    name: str
    request: type[Message]
    response: type[Response] | None
    """``None`` for a SEND message."""
    direction: Direction
    kind: Kind

    @property
    def station_sends(self) -> bool:
        return self.direction is not Direction.CSMS_TO_STATION

    @property
    def csms_sends(self) -> bool:
        return self.direction is not Direction.STATION_TO_CSMS


ActionTable = Mapping[str, Action]
