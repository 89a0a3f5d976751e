//! The REST surface every vendor's routes share: the REST framework's conventions, and pagination as the
//! seeds serve it.

pub mod http;
pub mod page;
