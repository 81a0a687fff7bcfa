"""The words the staff pages show for the codes the services use, in one place.

Templates reach them as ``labels.<name>``; the audit actions name what each entry in
a case's access history records.
"""

from confide.platform.casework.schemas import Grounds
from confide.platform.casework.tables import ContactedBy, ContactKind, Direction, ReferralRoute
from confide.platform.consent.disclosures import LEGAL_BASIS_LABELS
from confide.platform.consent.tables import (
    Basis,
    ConsentMethod,
    Decision,
    DisclosureStatus,
    GivenBy,
    SendMethod,
    TellMethod,
)

CONTACTED_BY_LABELS = {
    ContactedBy.PARENT: "A parent",
    ContactedBy.CARER: "A carer",
    ContactedBy.YOUNG_PERSON: "The child or young person",
    ContactedBy.PROFESSIONAL: "A professional",
}
REFERRAL_LABELS = {
    ReferralRoute.SELF: "Self-referral (they contacted us themselves)",
    ReferralRoute.PROFESSIONAL: "Referred by another professional",
    ReferralRoute.EARLY_HELP: "Referred through an Early Help Assessment",
}
CONTACT_KIND_LABELS = {
    ContactKind.PHONE: "Phone call",
    ContactKind.VOICEMAIL: "Helpline voicemail",
    ContactKind.EMAIL: "Email",
    ContactKind.MEETING: "Meeting",
    ContactKind.LETTER: "Letter",
    ContactKind.VIDEO: "Video call",
}
DIRECTION_LABELS = {Direction.INCOMING: "Incoming", Direction.OUTGOING: "Outgoing"}
GROUNDS_LABELS = {
    Grounds.MANAGER.value: "Manager",
    Grounds.ASSIGNED.value: "Assigned caseworker",
    Grounds.BREAK_GLASS.value: "Break-glass",
}
ACTION_LABELS = {
    "case_read": "Opened the case",
    "case_created": "Recorded the enquiry",
    "case_access_refused": "Was refused (restricted)",
    "break_glass": "Broke glass",
    "contact_added": "Added a contact",
    "note_added": "Added a note",
    "note_corrected": "Corrected a note",
    "case_assigned": "Assigned a caseworker",
    "case_unassigned": "Unassigned a caseworker",
    "case_closed": "Closed the case",
    "case_access_history_read": "Read the access history",
    "consent_recorded": "Recorded consent",
    "consent_not_asked": "Recorded why consent was not asked yet",
    "consent_reviewed": "Reviewed consent",
    "capacity_recorded": "Recorded whether the young person can decide for themselves",
    "disclosure_refused": "Was refused a share by the consent check",
    "disclosure_override_refused": "Tried to share without consent (not a manager)",
    "disclosure_made": "Shared information with consent",  # before shares were sent apart
    "disclosure_allowed": "Recorded a share that consent allows",
    "disclosure_requested": "Asked a manager to authorise a share",
    "disclosure_authorised": "Authorised a share without consent",
    "disclosure_declined": "Declined to authorise a share",
    "disclosure_sent": "Recorded that a share was sent",
    "disclosure_send_refused": "Was refused sending a share: consent no longer covers it",
    "disclosure_cancelled": "Recorded that a share will not be sent",
    "tell_client_task_opened": "Opened a task to tell the service user",
    "tell_client_delayed": "Delayed telling the service user",
    "tell_client_done": "Recorded telling the service user",
}
DECISION_LABELS = {
    Decision.FULL: "Yes, with any of the service's professional roles that need it",
    Decision.RESTRICTED: "Only with named professional roles",
    Decision.REFUSED: "No, they refused",
}
GIVEN_BY_LABELS = {
    GivenBy.YOUNG_PERSON: "The young person",
    GivenBy.PARENT: "A parent",
    GivenBy.CARER: "A carer",
}
DECISION_SUMMARY_LABELS = {
    Decision.FULL: "Information may be shared",
    Decision.RESTRICTED: "Restricted to named professional roles",
    Decision.REFUSED: "Refused: no information may be shared",
}
CONSENT_METHOD_LABELS = {
    ConsentMethod.VERBAL: "Verbally",
    ConsentMethod.WRITTEN: "In writing",
    ConsentMethod.SIGNED_FORM: "On a signed form",
}
STATUS_LABELS = {
    DisclosureStatus.AWAITING_AUTHORISATION: "Awaiting a manager's authorisation",
    DisclosureStatus.DECLINED: "Declined by a manager",
    DisclosureStatus.ALLOWED: "Allowed: not sent yet",
    DisclosureStatus.AUTHORISED: "Authorised: not sent yet",
    DisclosureStatus.SHARED: "Shared",
    DisclosureStatus.CANCELLED: "Not sent",
}
SEND_METHOD_LABELS = {
    SendMethod.SECURE_EMAIL: "Secure email",
    SendMethod.POST: "Post",
    SendMethod.BY_HAND: "By hand",
    SendMethod.PORTAL: "A secure portal",
    SendMethod.OTHER: "Another way",
}
BASIS_LABELS = {Basis.CONSENT: "Consent", Basis.LEGAL: "Without consent, on a legal basis"}
TELL_METHOD_LABELS = {
    TellMethod.PHONE: "Phone call",
    TellMethod.MEETING: "Meeting",
    TellMethod.LETTER: "Letter",
    TellMethod.EMAIL: "Email",
    TellMethod.VIDEO: "Video call",
}
LABELS: dict[str, object] = {
    "contacted_by": CONTACTED_BY_LABELS,
    "referral": REFERRAL_LABELS,
    "contact_kind": CONTACT_KIND_LABELS,
    "direction": DIRECTION_LABELS,
    "grounds": GROUNDS_LABELS,
    "action": ACTION_LABELS,
    "decision": DECISION_LABELS,
    "decision_summary": DECISION_SUMMARY_LABELS,
    "given_by": GIVEN_BY_LABELS,
    "consent_method": CONSENT_METHOD_LABELS,
    "status": STATUS_LABELS,
    "basis": BASIS_LABELS,
    "legal_basis": LEGAL_BASIS_LABELS,
    "tell_method": TELL_METHOD_LABELS,
    "send_method": SEND_METHOD_LABELS,
}
