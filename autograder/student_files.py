"""Reading files a student controls: never through a link, never waiting on a pipe, never without a cap.

Everything below ``submitted/`` is the student's. A folder there may be a
symbolic link to another student's work or to the grader's own files; a
notebook may be a FIFO that blocks its reader forever, a device, or a file of
many gigabytes. Each step opens one name relative to the folder above it
(``dir_fd``) with ``O_NOFOLLOW``, so swapping a folder for a link between a
look and a use changes nothing; a file is looked at before it is opened (a FIFO
or a device is never opened) and checked again on the open descriptor.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FILE, FOLDER, LINK, OTHER = "file", "folder", "link", "other"
Kind = Literal["file", "folder", "link", "other"]

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_READ_CHUNK = 1 << 20


class Refused(Exception):
    """A name that is there but must not be read as asked."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path


class IsLink(Refused):
    """A symbolic link, which is never followed."""


class NotRegular(Refused):
    """A FIFO, a device, a socket or a folder where a file was expected."""


class TooLarge(Refused):
    """A file over the cap, which is never read whole."""


@dataclass
class Folder:
    """An open folder; every name below it is opened without following a link.

    ``path`` is for messages only: nothing is looked up by it once open.
    """

    fd: int
    path: Path

    @classmethod
    def below(cls, root: Path, *names: str) -> "Folder":
        """``root/names...`` opened one level at a time. ``root`` is the
        grader's own (it may be a link); no name below it may be."""
        folder = cls(os.open(root, _FOLDER_FLAGS), Path(root))
        for name in names:
            with folder:
                folder = folder.folder(name)
        return folder

    def folder(self, name: str) -> "Folder":
        path = self.path / name
        return Folder(self._open(name, _FOLDER_FLAGS | os.O_NOFOLLOW, path), path)

    def kinds(self) -> dict[str, Kind]:
        """Each entry's kind as it is, not as what a link points to."""
        with os.scandir(self.fd) as entries:
            return {entry.name: _kind(entry) for entry in entries}

    def read(self, name: str, limit: int) -> bytes:
        """The bytes of a regular file of at most ``limit`` bytes.

        Raises IsLink, NotRegular or TooLarge, and OSError when it is gone.
        """
        path = self.path / name
        _check_regular(os.stat(name, dir_fd=self.fd, follow_symlinks=False), path)
        fd = self._open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, path)
        try:
            info = os.fstat(fd)
            _check_regular(info, path)
            if info.st_size > limit:
                raise TooLarge(path, f"{info.st_size} bytes, more than {limit}")
            chunks, size = [], 0
            while size <= limit and (chunk := os.read(fd, min(_READ_CHUNK, limit + 1 - size))):
                chunks.append(chunk)
                size += len(chunk)
            if size > limit:  # it grew after fstat
                raise TooLarge(path, f"more than {limit} bytes")
            return b"".join(chunks)
        finally:
            os.close(fd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "Folder":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _open(self, name: str, flags: int, path: Path) -> int:
        if not name or name in (".", "..") or "/" in name:
            raise ValueError(f"{name!r} is not one name inside a folder")
        try:
            return os.open(name, flags, dir_fd=self.fd)
        except OSError as error:
            try:
                is_link = stat.S_ISLNK(os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode)
            except OSError:
                raise error from None
            if is_link:
                raise IsLink(path, "a symbolic link") from None
            raise


def _kind(entry: os.DirEntry) -> Kind:
    if entry.is_symlink():
        return LINK
    if entry.is_dir(follow_symlinks=False):
        return FOLDER
    return FILE if entry.is_file(follow_symlinks=False) else OTHER


def _check_regular(info: os.stat_result, path: Path) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise IsLink(path, "a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular(path, "not a regular file")
