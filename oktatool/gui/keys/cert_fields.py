"""The Certificate output's fields: subject, validity in days and subject alternative names, as ``keygen
--subject --days --san`` has them; the core reads them (``parse_subject``, ``parse_sans``)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from oktatool.core.keys.export import DEFAULT_CERT_DAYS, MAX_CERT_DAYS


@dataclass(frozen=True)
class CertOptions:
    """What a certificate says besides its key: subject (None: CN=the kid), days of validity, alternative names."""

    subject: str | None = None
    days: int = DEFAULT_CERT_DAYS
    sans: tuple[str, ...] = ()


#: the certificate as the command line makes it without --subject, --days and --san
DEFAULT_CERT = CertOptions()


class CertFields(QWidget):
    """Subject, Days and Alternative names, with Make certificate (Enter in a field makes it too)."""

    #: the fields were applied: make the certificate again with ``options()``
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certFields")
        self.subject = QLineEdit()
        self.subject.setObjectName("certSubject")
        self.subject.setPlaceholderText("CN=the kid (default); or a name, CN=svc-app,O=Example, /CN=svc-app/O=Example")
        self.subject.setToolTip("The certificate's subject (and issuer: it is self-signed)")
        self.days = QSpinBox()
        self.days.setObjectName("certDays")
        self.days.setRange(1, MAX_CERT_DAYS)
        self.days.setValue(DEFAULT_CERT_DAYS)
        self.days.setSuffix(" days")
        self.days.setToolTip("How long the certificate is valid, from now")
        self.sans = QLineEdit()
        self.sans.setObjectName("certSans")
        self.sans.setPlaceholderText("DNS:svc.example.com, IP:10.0.0.1, email:ops@example.com, URI:spiffe://…")
        self.sans.setToolTip("Subject alternative names, separated by commas (none: no subjectAltName)")
        self.apply_button = QPushButton("Make certificate")
        self.apply_button.setObjectName("makeCertificate")
        self.apply_button.setToolTip("Make the self-signed certificate again with these fields")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, (text, field) in enumerate((("Subject", self.subject), ("Alt names", self.sans))):
            label = QLabel(text)
            label.setBuddy(field)
            grid.addWidget(label, row, 0)
            grid.addWidget(field, row, 1)
        days_label = QLabel("Valid for")
        days_label.setBuddy(self.days)
        grid.addWidget(days_label, 0, 2)
        grid.addWidget(self.days, 0, 3)
        grid.addWidget(self.apply_button, 1, 2, 1, 2)
        grid.setColumnStretch(1, 1)
        self.apply_button.clicked.connect(self.changed)
        self.subject.returnPressed.connect(self.changed)
        self.sans.returnPressed.connect(self.changed)

    def options(self) -> CertOptions:
        """Return the fields as CertOptions (an empty subject is the default, CN=the kid)."""
        subject = self.subject.text().strip()
        sans = self.sans.text().strip()
        return CertOptions(subject=subject or None, days=self.days.value(), sans=(sans,) if sans else ())
