//! Soracom's enumerations: a bill's payment status and state, and an exported file's status. Each parses
//! only the exact spellings of the API; anything else is an error for the caller to locate.

use std::fmt;

use serde::Serialize;

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in the order of the API's documentation.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The API's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the API's exact spelling; `None` for anything else.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The accepted spellings, for error messages.
            pub fn expected() -> String {
                let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!("one of {}", names.join(", "))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// `MonthlyBill.paymentStatus`.
    PaymentStatus {
        LessThanMinimumCharge = "lessThanMinimumCharge",
        Paying = "paying",
        Paid = "paid",
        Fail = "fail",
        Refunding = "refunding",
        Refunded = "refunded",
        RefundFail = "refund_fail",
        DelegatingToThirdParty = "delegating_to_third_party",
        DelegatedToThirdParty = "delegated_to_third_party",
        Charging = "charging",
        Canceling = "canceling",
        Cancelled = "cancelled",
        CancelFailed = "cancel_failed",
    }
}

wire_enum! {
    /// `MonthlyBill.state`.
    BillState {
        /// Still being added up: a preliminary figure.
        Temporary = "temporary",
        /// Final.
        Closed = "closed",
    }
}

wire_enum! {
    /// The status of an exported file (`GET /files/exported/{id}`).
    ExportStatus {
        Processing = "processing",
        Exported = "exported",
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_value_round_trips() {
        assert_eq!(PaymentStatus::ALL.len(), 13);
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            PaymentStatus::parse("delegated_to_third_party"),
            Some(PaymentStatus::DelegatedToThirdParty)
        );
        for bad in ["Paid", "PAID", " paid", "unknown", ""] {
            assert_eq!(PaymentStatus::parse(bad), None, "{bad}");
        }
        assert_eq!(BillState::parse("closed"), Some(BillState::Closed));
        assert_eq!(BillState::parse("final"), None);
        assert_eq!(
            ExportStatus::parse("exported"),
            Some(ExportStatus::Exported)
        );
        assert!(ExportStatus::expected().contains("processing, exported, failed"));
        assert_eq!(
            serde_json::to_string(&PaymentStatus::RefundFail).unwrap(),
            "\"refund_fail\""
        );
    }
}
